"""Similar-report detection for linking (SPEC: same village and category, similar text).

Two measures over character bigrams of the text with punctuation, digits and spaces
removed (short villager messages rarely share whole words, but paraphrases share bigrams):
- `similarity(a, b)`: Jaccard index of the bigram sets, 0–1. `is_similar` uses
  SIMILARITY_THRESHOLD = 0.3: on our labelled pairs, retellings of the same incident
  score 0.3–0.7 while different incidents of the same category score below 0.2.
- `simhash(text)`: a 64-bit SimHash (as a signed int64, so it fits a BIGINT column) for
  finding candidates in the database cheaply; near-duplicates differ in ≤ 3 bits
  (SIMHASH_MAX_DISTANCE). The caller still confirms a link with `similarity`.
The caller restricts candidates to the same village and category; this module only
compares texts.
"""
from __future__ import annotations

import hashlib
import re

from nlp.text import normalize

SIMILARITY_THRESHOLD = 0.3
SIMHASH_MAX_DISTANCE = 3
_NOISE = re.compile(r"[\W\d_]+", re.UNICODE)
_MASK64 = (1 << 64) - 1


def shingles(text: str) -> set[str]:
    s = _NOISE.sub("", normalize(text))
    if len(s) < 2:
        return {s} if s else set()
    return {s[i : i + 2] for i in range(len(s) - 1)}


def similarity(a_text: str, b_text: str) -> float:
    a, b = shingles(a_text), shingles(b_text)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def is_similar(a_text: str, b_text: str, threshold: float = SIMILARITY_THRESHOLD) -> bool:
    return similarity(a_text, b_text) >= threshold


def _h64(s: str) -> int:
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "big")


def simhash(text: str) -> int:
    """64-bit SimHash of the bigram shingles, returned as a signed int64."""
    counts = [0] * 64
    for sh in shingles(text):
        h = _h64(sh)
        for bit in range(64):
            counts[bit] += 1 if (h >> bit) & 1 else -1
    value = sum(1 << bit for bit in range(64) if counts[bit] > 0) & _MASK64
    return value - (1 << 64) if value >= 1 << 63 else value


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & _MASK64).bit_count()
