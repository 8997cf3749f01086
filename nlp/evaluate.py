"""Evaluation (`qingfeng nlp evaluate`): how the whole analysis does on a labelled split.

Splits: `test` — nlp/data/test_realistic.jsonl, written by another writer (evaluation
only); `narrative` — nlp/data/test_narrative.jsonl, longer retellings of published case
types (who, where, how much, dialect, rhetorical questions), evaluation only; `validation` — every fifth training message (what training tunes on); `places` —
the held-out place/route bodies of nlp.dataset, also on the second, unseen registry.
Printed: per-category precision/recall/F1, macro-F1, the confusion table, level accuracy,
the turned-away rate (in-scope messages classified `other`), the share of non-complaints
kept `other`, category2 agreement, and township/village/route accuracy where the split
has gold places.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TextIO

from nlp.analyze import Analysis, analyze
from nlp.categories import CATEGORY_IDS, OTHER
from nlp.corpus import NARRATIVE_PATH, Message, test_split, validation_split
from nlp.dataset import load_split, registries
from nlp.metrics import accuracy, confusion, format_confusion, macro_f1, per_class_prf

SPLITS = ("test", "narrative", "validation", "places")
# Sources of the test split that are not complaints at all (greetings, thanks, questions).
NON_COMPLAINT_SOURCES = frozenset({"faq", "everyday"})


@dataclass
class Report:
    name: str
    n: int
    category_accuracy: float
    category_macro_f1: float
    per_category: dict[str, tuple[float, float, float, int]]
    level_accuracy: float
    turned_away: float  # in-scope messages classified other / in-scope messages
    non_complaints_other: float  # non-complaint messages kept other / non-complaint messages
    category2_agreement: float  # of messages with a gold category2, share where it was found
    township_accuracy: float | None = None
    village_accuracy: float | None = None
    route_accuracy: float | None = None
    confusion: list[list[int]] = field(default_factory=list)
    errors: list[tuple[Message, Analysis]] = field(default_factory=list)
    seconds: float = 0.0


def messages(split: str) -> list[Message]:
    if split == "test":
        return test_split()
    if split == "narrative":
        return test_split(NARRATIVE_PATH)
    if split == "validation":
        return validation_split()
    if split == "places":
        return [Message(e.id, e.text, e.category, "", e.level, "places", e.registry, e.group_village, e.township,
                        e.village, e.route_to, e.exclude_township) for e in load_split("test")]
    raise ValueError(f"unknown split {split!r}; one of {', '.join(SPLITS)}")


def run(msgs: list[Message]) -> list[tuple[Message, Analysis]]:
    regs = registries()
    out = []
    for m in msgs:
        reg = regs.get(m.registry, regs["demo"])
        out.append((m, analyze(m.text, reg, group_village=m.group_village or None,
                               exclude_township=m.exclude_township)))
    return out


def report(name: str, pairs: list[tuple[Message, Analysis]]) -> Report:
    gold = [m.category for m, _ in pairs]
    pred = [a.category for _, a in pairs]
    in_scope = [(m, a) for m, a in pairs if m.category != OTHER]
    non_complaints = [(m, a) for m, a in pairs if m.category == OTHER and m.source in NON_COMPLAINT_SOURCES]
    with_cat2 = [(m, a) for m, a in pairs if m.category2]
    placed = [(m, a) for m, a in pairs if m.route_to is not None]
    r = Report(
        name=name,
        n=len(pairs),
        category_accuracy=accuracy(gold, pred),
        category_macro_f1=macro_f1(gold, pred),
        per_category=per_class_prf(gold, pred),
        level_accuracy=accuracy([m.level for m, _ in pairs], [a.level for _, a in pairs]),
        turned_away=sum(a.category == OTHER for _, a in in_scope) / len(in_scope) if in_scope else 0.0,
        non_complaints_other=(sum(a.category == OTHER for _, a in non_complaints) / len(non_complaints)
                              if non_complaints else 1.0),
        category2_agreement=(sum(m.category2 in (a.category, a.category2) for m, a in with_cat2) / len(with_cat2)
                             if with_cat2 else 0.0),
        confusion=confusion(gold, pred),
        errors=[(m, a) for m, a in pairs if m.category != a.category or m.level != a.level],
    )
    if placed:
        r.township_accuracy = accuracy([m.township or "" for m, _ in placed], [a.township for _, a in placed])
        r.village_accuracy = accuracy([m.village or "" for m, _ in placed], [a.village for _, a in placed])
        r.route_accuracy = accuracy([m.route_to or "" for m, _ in placed], [a.route_to for _, a in placed])
    return r


def evaluate(split: str = "test") -> list[Report]:
    t0 = time.perf_counter()
    pairs = run(messages(split))
    reports = [report(f"{split} (all)", pairs)]
    regs = sorted({m.registry for m, _ in pairs})
    if len(regs) > 1:
        for reg in regs:
            reports.append(report(f"{split} / {reg} registry", [(m, a) for m, a in pairs if m.registry == reg]))
    reports[0].seconds = time.perf_counter() - t0
    return reports


def print_reports(reports: list[Report], out: TextIO, *, show_errors: bool = False) -> None:
    for r in reports:
        print(f"== {r.name}: {r.n} messages", file=out)
        print(f"{'category':<18} {'precision':>9} {'recall':>7} {'F1':>6} {'n':>4}", file=out)
        for c in CATEGORY_IDS:
            p, rec, f1, n = r.per_category[c]
            if n or p:
                print(f"{c:<18} {p:9.3f} {rec:7.3f} {f1:6.3f} {n:4d}", file=out)
        print(f"macro-F1 {r.category_macro_f1:.3f}  accuracy {r.category_accuracy:.3f}  "
              f"level accuracy {r.level_accuracy:.3f}  turned away {r.turned_away:.1%}  "
              f"non-complaints kept other {r.non_complaints_other:.1%}  category2 found {r.category2_agreement:.1%}",
              file=out)
        if r.route_accuracy is not None:
            print(f"township accuracy {r.township_accuracy:.3f}  village accuracy {r.village_accuracy:.3f}  "
                  f"route_to accuracy {r.route_accuracy:.3f}", file=out)
        print(format_confusion(r.confusion), file=out)
        print(file=out)
    if show_errors:
        for m, a in reports[0].errors:
            print(f"{m.id} gold={m.category}/{m.level} got={a.category}/{a.level} {a.keywords} | {m.text}", file=out)
