"""Category model: trained naive Bayes over jieba tokens plus the admins' keyword file.

score(c) = NB log-posterior(c) + keyword_scale · Σ weights of keywords of c in the text.
The NB part generalises past the keyword list; the keywords make the decision readable
and let admins correct it without retraining. The model is a small JSON file
(nlp/data/model.json, written by `qingfeng nlp train`) of per-token log-likelihoods,
so loading it needs neither sklearn nor numpy.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import AbstractSet, Sequence

from nlp.categories import CATEGORY_IDS, OTHER
from nlp.features import features

MODEL_PATH = Path(__file__).parent / "data" / "model.json"
N = len(CATEGORY_IDS)
_OTHER_IDX = CATEGORY_IDS.index(OTHER)
MAX_REASONS = 5


@dataclass(frozen=True)
class CategoryResult:
    category: str
    confidence: float  # softmax probability of the chosen category, 0–1
    keywords: tuple[str, ...]  # the words that decided it (keyword hits first)


@dataclass
class NBModel:
    prior: list[float]
    loglik: dict[str, tuple[float, ...]]  # token → per-category log p(token|c), centred
    keyword_scale: float = 1.0
    temperature: float = 1.0
    # token → (category it most points to, by how much): precomputed for fast reasons.
    leaning: dict[str, tuple[int, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for tok, v in self.loglik.items():
            if tok[0] != "#" and len(tok) > 1:
                best = max(range(len(v)), key=v.__getitem__)
                self.leaning[tok] = (best, v[best] - max(v[:best] + v[best + 1 :]))

    @classmethod
    def load(cls, path: str | Path = MODEL_PATH) -> "NBModel":
        with open(path, encoding="utf-8") as fh:
            d = json.load(fh)
        if list(d["categories"]) != list(CATEGORY_IDS):
            raise ValueError(f"{path}: model categories do not match CATEGORY_IDS; retrain")
        return cls(
            prior=list(d["prior"]),
            loglik={k: tuple(v) for k, v in d["loglik"].items()},
            keyword_scale=float(d.get("keyword_scale", 1.0)),
            temperature=float(d.get("temperature", 1.0)),
        )

    def save(self, path: str | Path, meta: dict[str, object] | None = None) -> None:
        d = {
            "categories": list(CATEGORY_IDS),
            "prior": [round(p, 5) for p in self.prior],
            "keyword_scale": self.keyword_scale,
            "temperature": self.temperature,
            "meta": meta or {},
            "loglik": {k: [round(x, 4) for x in v] for k, v in sorted(self.loglik.items())},
        }
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(d, fh, ensure_ascii=False, separators=(",", ":"))


def score(
    tokens: Sequence[str],
    places: AbstractSet[str],
    model: NBModel,
    keywords: dict[str, tuple[tuple[int, float], ...]],
) -> CategoryResult:
    return score_features(features(tokens, places), model, keywords)


def raw_scores(
    feats: set[str], model: NBModel, keywords: dict[str, tuple[tuple[int, float], ...]]
) -> tuple[list[float], list[str], list[str]] | None:
    """Per-category scores, the known tokens and the keyword hits; None: nothing known."""
    loglik = model.loglik
    vecs = [v for t in feats if (v := loglik.get(t)) is not None]
    hits = [t for t in feats if t in keywords]
    if not vecs and not hits:
        return None
    known = [t for t in feats if t in model.leaning]  # whole tokens, for the reason
    if vecs:
        scores = [p + sum(col) for p, col in zip(model.prior, zip(*vecs))]
    else:
        scores = list(model.prior)
    for phrase in hits:
        for idx, weight in keywords[phrase]:
            scores[idx] += model.keyword_scale * weight
    return scores, known, hits


def softmax_top(scores: list[float], temperature: float) -> tuple[int, float]:
    best = max(range(N), key=scores.__getitem__)
    top = scores[best]
    return best, 1.0 / sum(math.exp((s - top) / temperature) for s in scores)


def score_features(
    feats: set[str], model: NBModel, keywords: dict[str, tuple[tuple[int, float], ...]]
) -> CategoryResult:
    raw = raw_scores(feats, model, keywords)
    if raw is None:
        # Nothing we recognise (empty text, a greeting, emoji only): not a tip.
        return CategoryResult(OTHER, 0.5, ())
    scores, known, hits = raw
    best, confidence = softmax_top(scores, model.temperature)
    return CategoryResult(
        CATEGORY_IDS[best], round(confidence, 4), _reasons(best, hits, known, keywords, model.leaning)
    )


def _reasons(
    best: int,
    hits: list[str],
    known: list[str],
    keywords: dict[str, tuple[tuple[int, float], ...]],
    leaning: dict[str, tuple[int, float]],
) -> tuple[str, ...]:
    kw = sorted(
        ((w, p) for p in hits for i, w in keywords[p] if i == best and w > 0), key=lambda x: (-x[0], x[1])
    )
    reasons = [p for _, p in kw]
    if len(reasons) < MAX_REASONS:
        # Tokens the model found most typical of the chosen category, beyond the keywords.
        extra = sorted(
            ((leaning[t][1], t) for t in known if leaning[t][0] == best and t not in reasons), reverse=True
        )
        reasons += [t for _, t in extra[: MAX_REASONS - len(reasons)]]
    return tuple(reasons[:MAX_REASONS])
