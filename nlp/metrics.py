"""Accuracy, macro-F1 and a confusion matrix, without sklearn."""
from __future__ import annotations

from typing import Sequence

from nlp.categories import CATEGORY_IDS


def accuracy(gold: Sequence[str], pred: Sequence[str]) -> float:
    return sum(g == p for g, p in zip(gold, pred)) / len(gold) if gold else 0.0


def per_class_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = CATEGORY_IDS) -> dict[str, float]:
    out: dict[str, float] = {}
    for c in labels:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        out[c] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return out


def per_class_prf(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = CATEGORY_IDS
) -> dict[str, tuple[float, float, float, int]]:
    """category → (precision, recall, F1, gold count)."""
    out: dict[str, tuple[float, float, float, int]] = {}
    for c in labels:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        n_pred = sum(p == c for p in pred)
        n_gold = sum(g == c for g in gold)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        out[c] = (prec, rec, 2 * tp / (n_pred + n_gold) if tp else 0.0, n_gold)
    return out


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = CATEGORY_IDS) -> float:
    present = [c for c in labels if c in gold or c in pred]
    scores = per_class_f1(gold, pred, present)
    return sum(scores.values()) / len(scores) if scores else 0.0


def confusion(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = CATEGORY_IDS) -> list[list[int]]:
    idx = {c: i for i, c in enumerate(labels)}
    m = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred):
        m[idx[g]][idx[p]] += 1
    return m


def format_confusion(m: list[list[int]], labels: Sequence[str] = CATEGORY_IDS) -> str:
    short = [c[:6] for c in labels]
    head = "gold\\pred".ljust(18) + " ".join(s.rjust(6) for s in short)
    rows = [labels[i].ljust(18) + " ".join(str(x).rjust(6) for x in row) for i, row in enumerate(m)]
    return "\n".join([head, *rows])
