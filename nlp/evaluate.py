"""Evaluation on the labelled splits (`qingfeng nlp evaluate`).

Prints category accuracy, macro-F1 and the confusion matrix, and township / village /
level / route_to accuracy, per registry (demo county vs the unseen second registry).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TextIO

from nlp.analyze import Analysis, analyze
from nlp.dataset import Example, load_split, registries
from nlp.metrics import accuracy, confusion, format_confusion, macro_f1


@dataclass
class Report:
    name: str
    n: int
    category_accuracy: float
    category_macro_f1: float
    township_accuracy: float
    village_accuracy: float
    level_accuracy: float
    route_accuracy: float
    confusion: list[list[int]] = field(default_factory=list)
    errors: list[tuple[Example, Analysis]] = field(default_factory=list)


def run(examples: list[Example]) -> list[tuple[Example, Analysis]]:
    regs = registries()
    return [
        (ex, analyze(ex.text, regs[ex.registry], group_village=ex.group_village or None)) for ex in examples
    ]


def report(name: str, pairs: list[tuple[Example, Analysis]]) -> Report:
    gold = [e.category for e, _ in pairs]
    pred = [a.category for _, a in pairs]
    return Report(
        name=name,
        n=len(pairs),
        category_accuracy=accuracy(gold, pred),
        category_macro_f1=macro_f1(gold, pred),
        township_accuracy=accuracy([e.township for e, _ in pairs], [a.township for _, a in pairs]),
        village_accuracy=accuracy([e.village for e, _ in pairs], [a.village for _, a in pairs]),
        level_accuracy=accuracy([e.level for e, _ in pairs], [a.level for _, a in pairs]),
        route_accuracy=accuracy([e.route_to for e, _ in pairs], [a.route_to for _, a in pairs]),
        confusion=confusion(gold, pred),
        errors=[(e, a) for e, a in pairs if (e.category, e.township, e.village, e.route_to) != (a.category, a.township, a.village, a.route_to)],
    )


def evaluate(split: str = "test") -> list[Report]:
    t0 = time.perf_counter()
    pairs = run(load_split(split))
    reports = [report(f"{split} (all)", pairs)]
    for reg in sorted({e.registry for e, _ in pairs}):
        reports.append(report(f"{split} / {reg} registry", [(e, a) for e, a in pairs if e.registry == reg]))
    reports[0].seconds = time.perf_counter() - t0  # type: ignore[attr-defined]
    return reports


def print_reports(reports: list[Report], out: TextIO, *, show_errors: bool = False) -> None:
    for r in reports:
        print(f"== {r.name}: {r.n} examples", file=out)
        print(
            f"category accuracy {r.category_accuracy:.3f}  macro-F1 {r.category_macro_f1:.3f}\n"
            f"township accuracy {r.township_accuracy:.3f}  village accuracy {r.village_accuracy:.3f}  "
            f"level accuracy {r.level_accuracy:.3f}  route_to accuracy {r.route_accuracy:.3f}",
            file=out,
        )
        print(format_confusion(r.confusion), file=out)
        print(file=out)
    if show_errors:
        for e, a in reports[0].errors:
            print(
                f"{e.id} gold={e.category}/{e.township}/{e.village}/{e.level}/{e.route_to} "
                f"got={a.category}/{a.township}/{a.village}/{a.level}/{a.route_to} {a.keywords} | {e.text}",
                file=out,
            )
