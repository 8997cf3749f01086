"""The analysis of every labelled message stays exactly what it was (speed work must not change it).

tests/nlp/analysis_golden.jsonl holds `nlp.analyze`'s full result (category, confidence, reasons,
place, level, titles, route, tokens…) and `classify_category`'s for every message of the test and
narrative splits, the training corpus (with its validation part) and the place/route bodies.
Regenerate it only for a change that is meant to change results:
    .venv/bin/python tests/nlp/test_analysis_unchanged.py
"""
from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nlp import analyze, classify_category  # noqa: E402
from nlp import corpus as labelled  # noqa: E402
from nlp.dataset import load_split, registries  # noqa: E402

GOLDEN = Path(__file__).with_name("analysis_golden.jsonl")


def corpus() -> list[labelled.Message]:
    places = [labelled.Message(e.id, e.text, e.category, "", e.level, "places", e.registry, e.group_village)
              for e in load_split("test")]
    return [*labelled.test_split(), *labelled.test_split(labelled.NARRATIVE_PATH),
            *labelled.training_split(include_validation=True), *places]


def results() -> list[dict[str, object]]:
    regs = registries()
    out: list[dict[str, object]] = []
    for m in corpus():
        a = analyze(m.text, regs.get(m.registry, regs["demo"]), group_village=m.group_village or None)
        c = classify_category(m.text)
        out.append({"id": m.id, "text": m.text, "analysis": dataclasses.asdict(a),
                    "classify_category": dataclasses.asdict(c)})
    return out


def _norm(row: dict[str, object]) -> dict[str, object]:
    return json.loads(json.dumps(row, ensure_ascii=False))  # tuples → lists, as in the file


def test_analysis_of_every_labelled_message_is_unchanged() -> None:
    golden = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line]
    now = [_norm(r) for r in results()]
    assert len(now) == len(golden)
    changed = [(g["id"], g["text"]) for g, n in zip(golden, now) if g != n]
    assert not changed, f"{len(changed)} analyses changed, first: {changed[:3]}"


if __name__ == "__main__":
    with open(GOLDEN, "w", encoding="utf-8") as fh:
        for row in results():
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}")
