"""`qingfeng classify [--registry FILE]`: JSON lines in, one classification per line out.

Contract (SPEC "Contracts"): stdin lines {"id", "text"}; stdout one line per input with
id, category, confidence, township, village, level, route_to, reason, category2. A bad line gets
{"id"?, "error"} and the run goes on. Without --registry the registry comes from the
configured database.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any, TextIO

_HELP = "classify reports read as JSON lines from stdin (category, place, level, route)"
_DESCRIPTION = """\
Read JSON lines {"id": ..., "text": ...} on stdin and write one JSON line per input on
stdout: id, category, confidence (0-1), township and village (registry codes, "" when
unknown or ambiguous), level (village/township/county/unknown), route_to (receiving
commission's code; "" for category other), reason (one line: the route and the cues that
decided, "依据：…") and category2 (a second fitting category, "" when none). Bad input lines produce
{"id", "error"} and processing continues. Exit status 0 unless the registry cannot be
loaded (2)."""


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser(
        "classify", help=_HELP, description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--registry", metavar="FILE",
        help="registry JSON file (registry import format); default: the registry in the configured database",
    )
    p.set_defaults(func=run)


async def _registry_from_db() -> dict[str, Any]:
    from bot.config import load_settings
    from storage import db
    from storage.registry import load_registry_dict

    from handlers.model_files import live_paths

    settings = load_settings()
    await db.init(settings.db_url)
    try:
        keywords_path, model_path, ids = await live_paths(settings.var_dir)
        if any(ids.values()):  # the panel saved its own keywords or model: classify as the servers do
            from nlp import engine

            engine.load(model_path=model_path, keywords_path=keywords_path)
        return await load_registry_dict()
    finally:
        await db.close()


def _load_registry(path: str | None) -> Any:
    from nlp import RegistryIndex

    if path:
        return RegistryIndex.from_file(path)
    return RegistryIndex.from_dict(asyncio.run(_registry_from_db()))


def classify_line(line: str, registry: Any) -> dict[str, Any]:
    from nlp import analyze

    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"error": f"invalid JSON: {exc.msg}"}
    if not isinstance(item, dict):
        return {"error": "expected a JSON object with id and text"}
    out: dict[str, Any] = {"id": item["id"]} if "id" in item else {}
    text = item.get("text")
    if "id" not in item:
        out["error"] = "missing id"
        return out
    if not isinstance(text, str):
        out["error"] = "missing or non-string text"
        return out
    a = analyze(text, registry)
    out.update(
        category=a.category, confidence=a.confidence, township=a.township, village=a.village,
        level=a.level, route_to=a.route_to, reason=_one_line(a), category2=a.category2,
    )
    return out


def _one_line(a: Any) -> str:
    why = "、".join(a.keywords[:3])
    reason = f"{a.route_reason}；依据：{why}" if why else a.route_reason
    return " ".join(reason.split())


def run(args: argparse.Namespace, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    try:
        registry = _load_registry(getattr(args, "registry", None))
    except Exception as exc:  # a missing file or database is the user's to fix: say so, no traceback
        print(f"qingfeng classify: cannot load registry: {exc}", file=sys.stderr)
        return 2
    for line in stdin:
        if not line.strip():
            continue
        stdout.write(json.dumps(classify_line(line, registry), ensure_ascii=False) + "\n")
        stdout.flush()
    return 0
