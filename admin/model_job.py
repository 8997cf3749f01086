"""Retrain the category model into a candidate file and evaluate it beside the live one (a child process).

    python -m admin.model_job OUT_DIR [KEYWORDS_FILE MODEL_FILE]

Reads OUT_DIR/corrections.jsonl (staff corrections of category, written by the panel) as extra labels,
writes OUT_DIR/candidate.json (nlp.train.train) and OUT_DIR/evaluation.json:
{"candidate": {...}, "current": {...}, "train": {...}, "finished": ISO time} — or {"error": ...}.
It runs apart from the server so training never touches the live model in memory.
"""
from __future__ import annotations

import json
import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


def _summary(reports: list[Any]) -> dict[str, Any]:
    return {r.name: {"n": r.n, "category_accuracy": round(r.category_accuracy, 4),
                     "category_macro_f1": round(r.category_macro_f1, 4),
                     "route_accuracy": round(r.route_accuracy, 4)} for r in reports}


def run(out: Path, keywords_path: Path | None = None, model_path: Path | None = None) -> dict[str, Any]:
    """`keywords_path`/`model_path`: the live versions (handlers.model_files); default the package's files."""
    from nlp import engine
    from nlp.category import MODEL_PATH
    from nlp.evaluate import evaluate
    from nlp.keywords import KEYWORDS_PATH
    from nlp.train import train

    candidate = out / "candidate.json"
    keywords_path = keywords_path or KEYWORDS_PATH
    engine.load(model_path=model_path or MODEL_PATH, keywords_path=keywords_path)
    current = _summary(evaluate("test"))
    corrections = out / "corrections.jsonl"
    lines = corrections.read_text(encoding="utf-8").splitlines() if corrections.exists() else []
    extra = [(d["text"], d["category"]) for d in map(json.loads, lines)]
    stats = train(candidate, extra=extra)
    engine.load(model_path=candidate, keywords_path=keywords_path)
    result = {"candidate": _summary(evaluate("test")), "current": current, "train": stats,
              "live_model": str(model_path or MODEL_PATH), "finished": datetime.now(timezone.utc).isoformat()}
    return result


def main(argv: list[str]) -> int:
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    try:
        live = [Path(a) for a in argv[2:4]]
        result = run(out, *live)
    except Exception as exc:  # the panel shows what went wrong
        result = {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()[-2000:]}
    tmp = out / "evaluation.json.tmp"
    tmp.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(out / "evaluation.json")
    return 0 if "error" not in result else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
