"""Category model: multinomial logistic regression over words, character n-grams and keywords.

score(c) = bias(c) + Σ_f value(f) · w(f, c), probabilities by softmax. The features
(nlp/features.py) include the admins' keyword table as "@kw:<category>" features whose
weights the model learned, so keywords count as much as the data says they do and an
edit of the table shifts the decision without retraining. The weights are a small JSON
file (nlp/data/model.json, written by `qingfeng nlp train`) read by plain Python: no
numpy or scikit-learn at run time.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import AbstractSet, Sequence

from nlp.categories import CATEGORY_IDS, OTHER
from nlp.features import Features, KeywordTable, features
from nlp.function_words import FUNCTION_WORDS

MODEL_PATH = Path(__file__).parent / "data" / "model.json"
N = len(CATEGORY_IDS)
OTHER_IDX = CATEGORY_IDS.index(OTHER)
MAX_REASONS = 5
FORMAT = "logreg-1"
_SCALE = 1000
# A packed field holds the summed values of up to 2^24 features: far more than a 5,000-character message gives.
_COUNT_BITS = 24


@dataclass(frozen=True)
class CategoryResult:
    category: str
    confidence: float  # softmax probability of the chosen category, 0–1
    keywords: tuple[str, ...]  # the cues that decided it (keyword phrases first)
    category2: str = ""  # a second fitting category, "" when none
    p_other: float = 0.0  # the probability of `other`, for the accusation gate
    best_tip: str = ""  # the most probable category that is not `other`


@dataclass
class LinearModel:
    bias: list[float]
    weights: dict[str, tuple[float, ...]]  # feature → per-category weight, centred per feature
    category2_min: float = 0.2  # the second category is kept from this probability on
    meta: dict[str, object] | None = None

    def __post_init__(self) -> None:
        # Each feature's eleven weights packed into one integer (fixed point, 1/1000, offset
        # so every field stays positive): a message's score is then one C-level sum of
        # integers instead of eleven sums over tuples. Exact for the file's 3-decimal weights.
        # The field after the last category counts the features found, for the offsets. The
        # offset is the least power of two above every weight, so the integers stay short.
        fixed = {f: [round(w * _SCALE) for w in v] for f, v in self.weights.items()}
        top = max((abs(x) for v in fixed.values() for x in v), default=0)
        self._offset = offset = 1 << top.bit_length()  # every x + offset lies in [1, 2·offset)
        self._field = field = offset.bit_length() + _COUNT_BITS
        self._mask = (1 << field) - 1
        self._packed = {f: sum((x + offset) << (field * i) for i, x in enumerate(v)) + (1 << field * N)
                        for f, v in fixed.items()}

    @classmethod
    def load(cls, path: str | Path = MODEL_PATH) -> "LinearModel":
        with open(path, encoding="utf-8") as fh:
            d = json.load(fh)
        if d.get("format") != FORMAT:
            raise ValueError(f"{path}: not a {FORMAT} model file; retrain with `qingfeng nlp train`")
        if list(d["categories"]) != list(CATEGORY_IDS):
            raise ValueError(f"{path}: model categories do not match CATEGORY_IDS; retrain")
        weights = {k: tuple(v) for k, v in d["weights"].items()}
        if any(len(v) != N for v in weights.values()) or len(d["bias"]) != N:
            raise ValueError(f"{path}: weight rows must have {N} values")
        return cls(list(d["bias"]), weights, float(d.get("category2_min", 0.2)), d.get("meta") or {})

    def save(self, path: str | Path) -> None:
        d = {
            "format": FORMAT,
            "categories": list(CATEGORY_IDS),
            "bias": [round(b, 4) for b in self.bias],
            "category2_min": self.category2_min,
            "meta": self.meta or {},
            "weights": {k: [round(x, 3) for x in v] for k, v in sorted(self.weights.items())},
        }
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(d, fh, ensure_ascii=False, separators=(",", ":"))

    def probabilities(self, feats: Features) -> list[float]:
        weights, packed = self.weights, self._packed
        # keys() & list: the model's features among the present ones, deduplicated, in one C pass.
        total = sum(map(packed.__getitem__, packed.keys() & feats.present))
        if total:
            field, mask = self._field, self._mask
            base, unit = (total >> (field * N)) * self._offset, feats.scale / _SCALE
            scores = [b + unit * (((total >> (field * i)) & mask) - base) for i, b in enumerate(self.bias)]
        else:
            scores = list(self.bias)
        for f, value in feats.weighted.items():
            w = weights.get(f)
            if w is not None:
                scores = [s + value * x for s, x in zip(scores, w)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        z = sum(exps)
        return [e / z for e in exps]


def score(
    tokens: Sequence[str], places: AbstractSet[str], model: LinearModel, keywords: KeywordTable
) -> CategoryResult:
    return score_features(features(tokens, places, keywords, CATEGORY_IDS), model, keywords, tokens)


def score_features(
    feats: Features, model: LinearModel, keywords: KeywordTable, tokens: Sequence[str] = ()
) -> CategoryResult:
    if not feats.present and not feats.weighted:
        return CategoryResult(OTHER, 1.0, (), "", 1.0, "")
    probs = model.probabilities(feats)
    order = sorted(range(N), key=probs.__getitem__, reverse=True)
    best, second = order[0], order[1]
    tip = next(i for i in order if i != OTHER_IDX)
    cat2 = CATEGORY_IDS[second] if second != OTHER_IDX and best != OTHER_IDX and probs[second] >= model.category2_min else ""
    return CategoryResult(
        CATEGORY_IDS[best], round(probs[best], 4), reasons(feats, tokens, best, model, keywords), cat2,
        round(probs[OTHER_IDX], 4), CATEGORY_IDS[tip],
    )


def reasons(
    feats: Features, tokens: Sequence[str], best: int, model: LinearModel, keywords: KeywordTable
) -> tuple[str, ...]:
    """The cues that pushed most towards the chosen category: keyword phrases of that category
    first (when the model gives their feature weight), then words, then character n-grams."""
    weights = model.weights
    words = list(dict.fromkeys(t for t in tokens if len(t) > 1)) or [f for f in feats.present if len(f) > 3]
    out: list[str] = []
    kw_w = weights.get("@kw:" + CATEGORY_IDS[best])
    if kw_w is not None and kw_w[best] > 0:
        hits = [(w, t) for t in words if t in keywords for i, w in keywords[t] if i == best and w > 0]
        out += [t for _, t in sorted(hits, key=lambda x: (-x[0], x[1]))]
    ranked = sorted(((w[best], t) for t in words if t not in FUNCTION_WORDS  # weighed, but no reason to show
                     and (w := weights.get(t)) is not None and w[best] > 0.05), reverse=True)
    for _, t in ranked:
        if t not in out:
            out.append(t)
        if len(out) >= MAX_REASONS:
            break
    if len(out) < 2:
        grams = sorted(((w[best], f) for f in set(feats.present) if len(f) == 3 and f[0] != "@"
                        and (w := weights.get(f)) is not None and w[best] > 0.05), reverse=True)
        for _, g in grams:
            if not any(g in o or o in g for o in out):
                out.append(g)
            if len(out) >= 3:
                break
    return tuple(out[:MAX_REASONS])
