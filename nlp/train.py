"""Training the naive Bayes category model (`qingfeng nlp train`) — pure Python.

Multinomial NB over binary token features with Laplace smoothing. keyword_scale and the
softmax temperature are chosen by 5-fold cross-validation on the training split only,
so the held-out test split stays untouched.
"""
from __future__ import annotations

import math
import random
from collections import Counter
from pathlib import Path
from typing import Sequence

from nlp import engine
from nlp.categories import CATEGORY_IDS
from nlp.category import MODEL_PATH, NBModel, raw_scores, score_features
from nlp.dataset import Example, load_split, registries
from nlp.features import features
from nlp.metrics import macro_f1

ALPHA = 0.3
KEYWORD_SCALES = (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0)
ALPHAS = (0.3, 1.0)
TEMPERATURES = (1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0)
MIN_COUNT = 1


def tokenize(examples: Sequence[Example]) -> list[list[str]]:
    """Segment each example with its own registry's place names as tokens."""
    seg = engine.get().segmenter
    regs = registries()
    out = []
    for ex in examples:
        seg.set_places(regs[ex.registry])
        out.append(seg.cut(ex.text.lower()))
    return out


def fit(docs: Sequence[set[str]], labels: Sequence[str], alpha: float = ALPHA) -> NBModel:
    n = len(CATEGORY_IDS)
    counts = [Counter() for _ in range(n)]
    class_n = [0] * n
    for feats, label in zip(docs, labels):
        c = CATEGORY_IDS.index(label)
        class_n[c] += 1
        counts[c].update(feats)
    vocab = {t for cnt in counts for t, k in cnt.items() if k >= MIN_COUNT}
    totals = [sum(cnt[t] for t in vocab) for cnt in counts]
    loglik: dict[str, tuple[float, ...]] = {}
    for tok in vocab:
        row = [math.log((counts[c][tok] + alpha) / (totals[c] + alpha * len(vocab))) for c in range(n)]
        mean = sum(row) / n  # centring keeps scores small; the argmax is unchanged
        loglik[tok] = tuple(x - mean for x in row)
    total = sum(class_n)
    prior = [math.log((k + 1) / (total + n)) for k in class_n]
    return NBModel(prior=prior, loglik=loglik)


def _cv_choose(docs: list[list[str]], feats: list[set[str]], labels: list[str], folds: int = 5) -> tuple[float, float, float]:
    """(alpha, keyword_scale, cv macro-F1) with the best cross-validated macro-F1."""
    kw = engine.get().keywords
    order = list(range(len(docs)))
    random.Random(7).shuffle(order)
    best = (-1.0, ALPHA, 1.0)
    for alpha in ALPHAS:
        models = []
        for f in range(folds):
            held = set(order[f::folds])
            train_idx = [i for i in order if i not in held]
            models.append((held, fit([feats[i] for i in train_idx], [labels[i] for i in train_idx], alpha)))
        for scale in KEYWORD_SCALES:
            pred = [""] * len(docs)
            for held, model in models:
                model.keyword_scale = scale
                for i in held:
                    pred[i] = score_features(feats[i], model, kw).category
            f1 = macro_f1(labels, pred)
            if f1 > best[0]:
                best = (f1, alpha, scale)
    return best[1], best[2], best[0]


def _cv_temperature(feats: list[set[str]], labels: list[str], alpha: float, scale: float, folds: int = 5) -> float:
    """The softmax temperature with the lowest cross-validated log-loss, so that the
    confidence shown to staff means roughly what it says."""
    kw = engine.get().keywords
    order = list(range(len(feats)))
    random.Random(7).shuffle(order)
    held_scores: list[tuple[list[float], int]] = []
    for f in range(folds):
        held = set(order[f::folds])
        train_idx = [i for i in order if i not in held]
        model = fit([feats[i] for i in train_idx], [labels[i] for i in train_idx], alpha)
        model.keyword_scale = scale
        for i in held:
            raw = raw_scores(feats[i], model, kw)
            if raw is not None:
                held_scores.append((raw[0], CATEGORY_IDS.index(labels[i])))

    def nll(t: float) -> float:
        total = 0.0
        for scores, gold in held_scores:
            top = max(scores)
            z = sum(math.exp((s - top) / t) for s in scores)
            total -= (scores[gold] - top) / t - math.log(z)
        return total

    return min(TEMPERATURES, key=nll)


def train(model_path: str | Path = MODEL_PATH, extra: Sequence[tuple[str, str]] = ()) -> dict[str, float]:
    """Train on the train split plus `extra` (text, category) labels, e.g. staff corrections of category."""
    engine.load(require_model=False)
    examples = load_split("train")
    regs = registries()
    extra = [(t, c) for t, c in extra if c in CATEGORY_IDS and t.strip()]
    examples = examples + [
        Example(id=f"extra-{i}", text=t, category=c, level="unknown", exclude_township=False, registry="demo",  # masks the demo county's place words
                
                group_village="", township="", village="", route_to="")
        for i, (t, c) in enumerate(extra)]
    docs = tokenize(examples)
    feats = [features(d, regs[ex.registry].place_words()) for d, ex in zip(docs, examples)]
    labels = [ex.category for ex in examples]
    alpha, scale, cv_f1 = _cv_choose(docs, feats, labels)
    model = fit(feats, labels, alpha)
    model.keyword_scale = scale
    model.temperature = _cv_temperature(feats, labels, alpha, scale)
    meta = {"examples": len(examples), "corrections": len(extra), "alpha": alpha, "keyword_scale": scale, "cv_macro_f1": round(cv_f1, 4)}
    model.save(model_path, meta)
    engine.load()
    return {"examples": float(len(examples)), "corrections": float(len(extra)), "vocab": float(len(model.loglik)), "alpha": alpha, "keyword_scale": scale, "temperature": model.temperature, "cv_macro_f1": cv_f1}
