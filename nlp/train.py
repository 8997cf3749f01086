"""Training the category model (`qingfeng nlp train`): multinomial logistic regression.

L2-regularised softmax regression with class-balanced weights, fitted by full-batch
Adam on sparse features with numpy (training only; inference in nlp/category.py is plain
Python). The regularisation strength and the category2 threshold are chosen on the
validation part of the training messages (nlp.corpus); the final model is then fitted
on training + validation. The test split is never read here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from nlp import engine
from nlp.categories import CATEGORY_IDS
from nlp.category import MODEL_PATH, LinearModel, score_features
from nlp.corpus import Message, training_split, validation_split
from nlp.dataset import registries
from nlp.features import Features, features
from nlp.metrics import macro_f1

# Chosen on the validation part (1e-4, 3e-4, 1e-3, 3e-3 tried: macro-F1 0.805–0.816); one
# value keeps training to two fits, so the panel's retraining finishes in well under a minute.
L2 = 1e-3
CATEGORY2_CHOICES = (0.15, 0.2, 0.25, 0.3)
MIN_DF = 2
STEPS = 200  # with LR: stopping early regularises too (500 steps scored lower on validation)
LR = 0.08
PRUNE = 0.01  # a feature whose weights all stay below this is dropped from the file


def featurize(texts: Sequence[tuple[str, str]]) -> list[Features]:
    """(text, registry name) → features, each text segmented with its registry's places."""
    from nlp.text import normalize

    eng = engine.get()
    seg, regs = eng.segmenter, registries()
    out = []
    for text, reg in texts:
        seg.set_places(regs.get(reg, regs["demo"]))
        out.append(features(seg.cut(normalize(text)), seg.places, eng.keywords, CATEGORY_IDS))
    return out


def fit(feats: Sequence[Features], labels: Sequence[str], l2: float, steps: int = STEPS) -> LinearModel:
    import numpy as np

    docs = [f.as_dict() for f in feats]
    df: dict[str, int] = {}
    for d in docs:
        for f in d:
            df[f] = df.get(f, 0) + 1
    vocab = sorted(f for f, n in df.items() if n >= MIN_DF or f.startswith("@"))
    index = {f: i for i, f in enumerate(vocab)}
    rows, cols, vals = [], [], []
    for r, d in enumerate(docs):
        for f, v in d.items():
            j = index.get(f)
            if j is not None:
                rows.append(r)
                cols.append(j)
                vals.append(v)
    rows_a, cols_a, vals_a = np.array(rows), np.array(cols), np.array(vals, dtype=np.float32)
    n, k, m = len(docs), len(CATEGORY_IDS), len(vocab)
    # Segment sums (np.add.reduceat) over rows sorted by document, and by feature for the
    # gradient: sparse products without scipy. Every feature of the vocabulary occurs.
    present = np.unique(rows_a)
    row_starts = np.searchsorted(rows_a, present)
    by_col = np.argsort(cols_a, kind="stable")
    col_rows, col_vals = rows_a[by_col], vals_a[by_col][:, None]
    col_starts = np.searchsorted(cols_a[by_col], np.arange(m))
    y = np.array([CATEGORY_IDS.index(c) for c in labels])
    counts = np.bincount(y, minlength=k).astype(float)
    sample_w = (n / (k * np.maximum(counts, 1)))[y].astype(np.float32)  # balanced: small categories weigh as much
    onehot = np.zeros((n, k), dtype=np.float32)
    onehot[np.arange(n), y] = 1.0
    W, b = np.zeros((m, k), dtype=np.float32), np.zeros(k, dtype=np.float32)
    mW, vW, mb, vb = np.zeros_like(W), np.zeros_like(W), np.zeros_like(b), np.zeros_like(b)
    lr, beta1, beta2, eps = LR, 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        scores = np.tile(b, (n, 1))
        scores[present] += np.add.reduceat(W[cols_a] * vals_a[:, None], row_starts, axis=0)
        scores -= scores.max(axis=1, keepdims=True)
        p = np.exp(scores)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * sample_w[:, None] / n
        gW = np.add.reduceat(g[col_rows] * col_vals, col_starts, axis=0) + l2 * W
        gb = g.sum(axis=0)
        for param, grad, mom, vel in ((W, gW, mW, vW), (b, gb, mb, vb)):
            mom *= beta1
            mom += (1 - beta1) * grad
            vel *= beta2
            vel += (1 - beta2) * grad * grad
            param -= lr * (mom / (1 - beta1**t)) / (np.sqrt(vel / (1 - beta2**t)) + eps)
    W -= W.mean(axis=1, keepdims=True)  # centring per feature changes no probability
    keep = np.abs(W).max(axis=1) >= PRUNE
    weights = {vocab[j]: tuple(float(x) for x in W[j]) for j in np.nonzero(keep)[0]}
    return LinearModel(bias=[float(x) for x in b - b.mean()], weights=weights)


def _predict(model: LinearModel, docs: Sequence[Features]) -> list[Any]:
    kw = engine.get().keywords
    return [score_features(d, model, kw) for d in docs]


def _category2_f1(gold: Sequence[Message], results: Sequence[Any]) -> float:
    tp = sum(1 for g, r in zip(gold, results) if g.category2 and r.category2 == g.category2)
    fp = sum(1 for g, r in zip(gold, results) if r.category2 and r.category2 != g.category2)
    fn = sum(1 for g, r in zip(gold, results) if g.category2 and r.category2 != g.category2)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def train(
    model_path: str | Path = MODEL_PATH, extra: Sequence[tuple[str, str]] = (), *, refit: bool = True
) -> dict[str, float]:
    """Train on the messages plus `extra` (text, category) labels, e.g. staff corrections of category.

    refit=False keeps the validation part out of the final model too, so that
    `qingfeng nlp evaluate --split validation` then measures it honestly.
    """
    engine.load(require_model=False)
    extra_msgs = [Message(f"extra-{i}", t, c, "", "unknown", "correction")
                  for i, (t, c) in enumerate(extra) if c in CATEGORY_IDS and t.strip()]
    train_msgs, valid_msgs = training_split() + extra_msgs, validation_split()
    train_docs = featurize([(m.text, m.registry) for m in train_msgs])
    valid_docs = featurize([(m.text, m.registry) for m in valid_msgs])
    l2 = L2
    model = fit(train_docs, [m.category for m in train_msgs], l2)
    valid_f1 = macro_f1([m.category for m in valid_msgs], [r.category for r in _predict(model, valid_docs)])
    results = []
    for threshold in CATEGORY2_CHOICES:
        model.category2_min = threshold
        results.append((_category2_f1(valid_msgs, _predict(model, valid_docs)), threshold))
    cat2_f1, threshold = max(results)
    if refit:
        final = fit(train_docs + valid_docs, [m.category for m in train_msgs + valid_msgs], l2)
    else:
        final = model
    final.category2_min = threshold
    n_examples = len(train_msgs) + (len(valid_msgs) if refit else 0)
    final.meta = {"examples": n_examples, "corrections": len(extra_msgs), "l2": l2,
                  "validation_macro_f1": round(valid_f1, 4), "validation_category2_f1": round(cat2_f1, 4)}
    final.save(model_path)
    engine.load()
    return {"examples": float(n_examples), "corrections": float(len(extra_msgs)), "features": float(len(final.weights)),
            "l2": l2, "category2_min": threshold, "validation_macro_f1": valid_f1, "validation_category2_f1": cat2_f1}
