"""nlp.segment.cut gives exactly the tokens of jieba's own `Tokenizer.cut(text, HMM=False)`, over the
dictionary jieba itself would load."""
from __future__ import annotations

import random
from pathlib import Path

import jieba
import pytest

from nlp import RegistryIndex, dictionary
from nlp import corpus as labelled
from nlp.dictionary import Segmenter
from nlp.keywords import load_keywords
from nlp.segment import cut
from nlp.text import normalize

# Characters that exercise every branch: words, place names, letters and digits (run together),
# jieba's word punctuation (+#&._%-), spaces and \r\n (kept as tokens), other symbols (one token each).
_ALPHABET = list("村支书镇长乡会计冒领低保胡家庄南坝上坝东岭石桥的了是一二三abcXYZ0123 \t\r\n，。！？.-_%#&+") + [
    "\u3000", "é", "😀", "Ⅻ", "\u9fd5", "\u9fd6"]


@pytest.fixture(scope="module")
def seg() -> Segmenter:
    """A segmenter of our own: adding place names changes jieba's total, which the shared one must keep."""
    return Segmenter(load_keywords())


def _differences(seg: Segmenter, texts: list[str]) -> list[str]:
    tk = seg.tokenizer
    return [t for t in texts if cut(t, tk.FREQ, tk.total) != list(tk.cut(t, HMM=False))]


def _random_texts(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    alphabet = _ALPHABET + [chr(rnd.randrange(0x4E00, 0x9FD6)) for _ in range(300)]
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 60))) for _ in range(n)]


def test_same_tokens_as_jieba_on_the_labelled_messages(seg: Segmenter, demo: RegistryIndex) -> None:
    seg.set_places(demo)
    texts = [m.text for m in [*labelled.test_split(), *labelled.test_split(labelled.NARRATIVE_PATH),
                              *labelled.training_split(include_validation=True)]]
    assert not _differences(seg, [*texts, *map(normalize, texts)])


def test_same_tokens_as_jieba_on_random_text(seg: Segmenter, demo: RegistryIndex, second: RegistryIndex) -> None:
    for registry, seed in ((demo, 1), (second, 2)):  # other place names in the dictionary
        seg.set_places(registry)
        assert not _differences(seg, _random_texts(5000, seed))


def test_edge_cases(seg: Segmenter) -> None:
    tk = seg.tokenizer
    assert cut("", tk.FREQ, tk.total) == []
    assert cut("a1b2 c3", tk.FREQ, tk.total) == ["a1b2", " ", "c3"]
    assert _differences(seg, ["\r\n\r\n", "  ", "——", "村", "ab村cd", "12.5%的低保"]) == []


def test_dictionary_loaded_from_jiebas_cache_is_jiebas() -> None:
    ours, theirs = jieba.Tokenizer(), jieba.Tokenizer()
    dictionary._initialize(ours)
    theirs.initialize()
    assert ours.initialized and (ours.total, ours.FREQ) == (theirs.total, theirs.FREQ)


def test_an_unreadable_cache_is_left_to_jieba(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "jieba.cache").write_bytes(b"not marshal")
    monkeypatch.setattr(dictionary.tempfile, "gettempdir", lambda: str(tmp_path))
    tk = jieba.Tokenizer()
    called: list[bool] = []
    monkeypatch.setattr(tk, "initialize", lambda: called.append(True))
    dictionary._initialize(tk)
    assert called == [True]


def test_another_registry_and_back_leaves_every_cut_as_it_was(demo: RegistryIndex, second: RegistryIndex) -> None:
    fresh = Segmenter(load_keywords())
    fresh.set_places(demo)
    texts = [m.text for m in labelled.test_split()] + _random_texts(500, 3)
    before, total = [fresh.cut(t) for t in texts], fresh.tokenizer.total
    for _ in range(5):  # a county re-imports its registry, a test process swaps registries
        fresh.set_places(second)
        fresh.set_places(demo)
    assert fresh.tokenizer.total == total, "jieba's total drifted: word probabilities shift"
    assert [fresh.cut(t) for t in texts] == before
