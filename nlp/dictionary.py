"""Segmentation: one private jieba tokenizer with the domain and registry vocabularies.

A private `jieba.Tokenizer` keeps our user words (places with high frequencies, keyword
phrases) from changing how other parts of the process segment text. Segmentation runs
without the HMM: every word we care about is in the dictionary, and the HMM costs ~3×.
"""
from __future__ import annotations

import logging
import marshal
import tempfile
import threading
from pathlib import Path
from typing import Iterable

import jieba

from nlp import segment
from nlp.keywords import Keyword
from nlp.registry import RegistryIndex

DATA_DIR = Path(__file__).parent / "data"
DOMAIN_DICT_PATH = DATA_DIR / "domain_dict.txt"

# Place names must beat any dictionary word they overlap (胡家庄村 over 庄村, 村民).
PLACE_FREQ = 200_000
KEYWORD_FREQ = 5_000

jieba.setLogLevel(logging.WARNING)


def _initialize(tk: jieba.Tokenizer) -> None:
    """`tk.initialize()` with jieba's cache file read in one piece: `marshal.load` on a file object
    (what jieba does) makes a read call per object of its 9 MB, ~0.5 s; `marshal.loads` of the bytes ~0.2 s."""
    cache = Path(tempfile.gettempdir()) / "jieba.cache"  # jieba's own cache of its default dictionary
    try:
        freq, total = marshal.loads(cache.read_bytes())
        if not isinstance(freq, dict) or not isinstance(total, int):
            raise ValueError(f"{cache}: not a jieba cache")
    except Exception:  # no cache yet or an unreadable one: jieba builds (and writes) it, as it would
        tk.initialize()
        return
    tk.FREQ, tk.total, tk.initialized = freq, total, True


def _read_domain_dict(path: Path) -> list[tuple[str, int]]:
    words: list[tuple[str, int]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if parts and not parts[0].startswith("#"):
                words.append((parts[0], int(parts[1]) if len(parts) > 1 else KEYWORD_FREQ))
    return words


class Segmenter:
    """jieba with our vocabularies; `set_places` swaps the registry's place names in."""

    def __init__(self, keywords: Iterable[Keyword] = ()) -> None:
        self._tk = jieba.Tokenizer()
        _initialize(self._tk)
        self._lock = threading.Lock()
        self._places: frozenset[str] = frozenset()
        self._saved_freq: dict[str, int] = {}  # jieba's own frequency of a place word
        self.fingerprint = ""
        for word, freq in _read_domain_dict(DOMAIN_DICT_PATH):
            self._tk.add_word(word, freq)
        for kw in keywords:
            if self._tk.FREQ.get(kw.phrase, 0) < KEYWORD_FREQ:
                self._tk.add_word(kw.phrase, KEYWORD_FREQ)

    def set_places(self, registry: RegistryIndex) -> None:
        """Make every registry place name a token; forget names no longer in the registry."""
        if registry.fingerprint and registry.fingerprint == self.fingerprint:
            return
        words = frozenset(registry.place_words())
        with self._lock:
            for gone in self._places - words:
                # Not del_word(): that also edits jieba's global HMM force-split table. add_word raised the total
                # by PLACE_FREQ (whatever the word had before): lowered again, or every registry swap would shift
                # every word's probability and, in time, how texts are cut
                self._tk.FREQ[gone] = self._saved_freq.pop(gone, 0)
                self._tk.total -= PLACE_FREQ
            for word in words - self._places:
                self._saved_freq[word] = self._tk.FREQ.get(word, 0)
                self._tk.add_word(word, PLACE_FREQ)
            self._places = words
            self.fingerprint = registry.fingerprint

    @property
    def places(self) -> frozenset[str]:
        return self._places

    @property
    def tokenizer(self) -> jieba.Tokenizer:
        """The private jieba tokenizer (its `cut(text, HMM=False)` is what `cut` reproduces)."""
        return self._tk

    def cut(self, text: str) -> list[str]:
        return segment.cut(text, self._tk.FREQ, self._tk.total)  # = list(self._tk.cut(text, HMM=False))

    def add_words(self, words: Iterable[str], freq: int = KEYWORD_FREQ) -> None:
        for w in words:
            self._tk.add_word(w, freq)
