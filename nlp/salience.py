"""How much a piece of text shared by two reports says that they tell one matter.

A piece (a character pair, a character, a concept of nlp/data/matter_concepts.tsv) weighs its inverse
document frequency over the villagers' messages the category model learns from (`nlp.corpus`): 光伏, 鸡苗,
流转 or 挖沙 are rare there and weigh much; 村里, 补贴, 钱 are everywhere and weigh little. So two retellings
of a matter the concept table has no row for still meet on the words they share, and what every report
says does not make two matters one. `cosine` compares two sets of pieces under these weights (0–1).
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Iterable


class Salience:
    def __init__(self, documents: Iterable[frozenset[str]]) -> None:
        self._df: Counter[str] = Counter()
        n = 0
        for pieces in documents:
            self._df.update(pieces)
            n += 1
        self._n = n

    def weight(self, piece: str) -> float:
        return math.log((self._n + 1) / (self._df[piece] + 1))

    def cosine(self, a: frozenset[str], b: frozenset[str]) -> float:
        if not a or not b:
            return 0.0
        shared = sum(self.weight(p) for p in a & b)
        norm = math.sqrt(sum(self.weight(p) for p in a) * sum(self.weight(p) for p in b))
        return shared / norm if norm else 0.0
