"""The labelled pairs that measure linking (benchmarks/bench_linking.py), written for this project.

Each JSON line: {"id", "a": {"text", "village", "reporter"}, "b": {…}, "label": "same"|"different",
"kind", "reason"}. `village` is a code of nlp/data/registry_demo.json; `reporter` names who sent it
(the same string: the same villager). `linking_pairs.jsonl` is the set the concept table
(nlp/data/matter_concepts.tsv) was written beside; `linking_pairs_heldout.jsonl` was written after
the table was frozen (measured once; its misses were then read, and one general change followed, so
it is no longer unseen); `linking_pairs_heldout2.jsonl` was written after that change (measured once,
then its misses read and the table grown); `linking_pairs_heldout3.jsonl` was written after that (measured
once, seen since; nothing of it was added to the table); `linking_pairs_heldout4.jsonl` was written
after the cross-category rule (measured once, seen since); `linking_pairs_heldout5.jsonl` was written after
the scored method froze (a1c8051) and measured once; the category gate (session 24) was chosen with it in
view, so it is seen now.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"
DEV_PATH = DATA / "linking_pairs.jsonl"
HELDOUT_PATH = DATA / "linking_pairs_heldout.jsonl"
HELDOUT2_PATH = DATA / "linking_pairs_heldout2.jsonl"
HELDOUT3_PATH = DATA / "linking_pairs_heldout3.jsonl"
HELDOUT4_PATH = DATA / "linking_pairs_heldout4.jsonl"
HELDOUT5_PATH = DATA / "linking_pairs_heldout5.jsonl"
LABELS = ("same", "different")
KINDS = ("same_matter_different_wording", "same_village_different_accused", "same_accused_different_matter",
         "different_villages_same_wording", "dialect_traditional", "short", "same_reporter")


@dataclass(frozen=True)
class Report:
    text: str
    village: str
    reporter: str


@dataclass(frozen=True)
class Pair:
    id: str
    a: Report
    b: Report
    same: bool
    kind: str
    reason: str


class PairsError(ValueError):
    pass


def load_pairs(path: Path = DEV_PATH) -> list[Pair]:
    pairs: list[Pair] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            a, b = (Report(str(d[k]["text"]), str(d[k]["village"]), str(d[k]["reporter"])) for k in ("a", "b"))
            label, kind, reason = d["label"], d["kind"], str(d["reason"])
        except (ValueError, KeyError, TypeError) as exc:
            raise PairsError(f"{path.name}:{n}: {exc}") from exc
        if label not in LABELS or kind not in KINDS or not a.text or not b.text or not reason:
            raise PairsError(f"{path.name}:{n}: bad label {label!r}, kind {kind!r} or empty text/reason")
        pairs.append(Pair(str(d["id"]), a, b, label == "same", kind, reason))
    return pairs
