"""The keyword model (county admin): edit category keywords, retrain, compare, switch.

    GET  /model            keywords.tsv, the live model's figures, staff corrections, the candidate if any
    POST /model/keywords   validated by nlp.keywords.load_keywords, written atomically, reloaded
    POST /model/train      admin.model_job in a child process → var/models/{candidate,evaluation}.json
    POST /model/switch     the candidate becomes the live model (the old one kept as model.previous.json)
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from aiohttp import web

from admin import scope
from admin.web import render, services_of, staff_of
from storage import audit
from storage.models import Case, CaseEvent

routes = web.RouteTableDef()
_TRAINING: dict[str, asyncio.Task[Any]] = {}


def _models_dir(request: web.Request) -> Path:
    return Path(services_of(request).settings.var_dir) / "models"


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (OSError, ValueError):
        return None


async def _page(request: web.Request, **ctx: Any) -> web.Response:
    from nlp.category import MODEL_PATH
    from nlp.keywords import KEYWORDS_PATH

    d = _models_dir(request)
    live = _read_json(Path(MODEL_PATH)) or {}
    base: dict[str, Any] = {
        "keywords": KEYWORDS_PATH.read_text(encoding="utf-8"),
        "live_meta": live.get("meta", {}),
        "corrections": await CaseEvent.filter(kind="recategorised").count(),
        "evaluation": _read_json(d / "evaluation.json"),
        "has_candidate": (d / "candidate.json").exists(),
        "training": "job" in _TRAINING and not _TRAINING["job"].done(),
        "error": "", "saved": False, "switched": False,
    }
    base.update(ctx)
    return render(request, "model.html", base, status=400 if base["error"] else 200)


@routes.get("/model")
async def model_page(request: web.Request) -> web.Response:
    scope.require(staff_of(request), scope.ADMIN_ROLES)
    return await _page(request)


@routes.post("/model/keywords")
async def save_keywords(request: web.Request) -> web.Response:
    from nlp import reload_keywords
    from nlp.keywords import KEYWORDS_PATH, KeywordFileError, load_keywords

    staff = staff_of(request)
    scope.require(staff, scope.ADMIN_ROLES)
    text = str((await request.post()).get("keywords", "")).replace("\r\n", "\n")
    fd, tmp_name = tempfile.mkstemp(prefix=".keywords-", suffix=".tsv", dir=KEYWORDS_PATH.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            rules = load_keywords(tmp)
        except KeywordFileError as exc:
            # The message names the temporary file: say "line N" of the text instead.
            return await _page(request, error=str(exc).replace(f"{tmp}:", "line ") + "（未保存）", keywords=text)
        os.replace(tmp, KEYWORDS_PATH)
    finally:
        tmp.unlink(missing_ok=True)
    reload_keywords(KEYWORDS_PATH)
    await audit.append(f"staff:{staff.id}", "model.keywords", KEYWORDS_PATH.name, {"rules": len(rules)})
    return await _page(request, saved=True)


async def write_corrections(out: Path) -> int:
    """Staff corrections of category are labels: each re-categorised case's text with its category now."""
    case_ids = await CaseEvent.filter(kind="recategorised").distinct().values_list("case_id", flat=True)
    rows = await Case.filter(id__in=list(case_ids)).values_list("text", "category")
    with open(out / "corrections.jsonl", "w", encoding="utf-8") as fh:
        for text, category in rows:
            fh.write(json.dumps({"text": text, "category": category}, ensure_ascii=False) + "\n")
    return len(rows)


async def _train(out: Path) -> None:
    await write_corrections(out)
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "admin.model_job", str(out),
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
                                                cwd=str(Path(__file__).resolve().parents[1]))
    await proc.wait()


@routes.post("/model/train")
async def train(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.ADMIN_ROLES)
    if "job" in _TRAINING and not _TRAINING["job"].done():
        return await _page(request)
    out = _models_dir(request)
    out.mkdir(parents=True, exist_ok=True)
    for name in ("evaluation.json", "candidate.json"):
        (out / name).unlink(missing_ok=True)
    _TRAINING["job"] = services_of(request).spawn(_train(out))
    await audit.append(f"staff:{staff.id}", "model.train", "", {})
    raise web.HTTPSeeOther("/admin/model")


@routes.post("/model/switch")
async def switch(request: web.Request) -> web.Response:
    from nlp import engine
    from nlp.category import MODEL_PATH, LinearModel

    staff = staff_of(request)
    scope.require(staff, scope.ADMIN_ROLES)
    candidate = _models_dir(request) / "candidate.json"
    evaluation = _read_json(_models_dir(request) / "evaluation.json")
    if not candidate.exists() or not evaluation or "error" in evaluation:
        return await _page(request, error="没有评估通过的候选模型，请先重新训练。")
    try:
        LinearModel.load(candidate)  # refuse a file that would not load
    except (OSError, ValueError, KeyError) as exc:
        return await _page(request, error=f"候选模型无法加载：{exc}")
    live = Path(MODEL_PATH)
    shutil.copy2(live, live.with_name("model.previous.json"))
    tmp = live.with_name(".model.switch.json")
    shutil.copy2(candidate, tmp)
    os.replace(tmp, live)
    candidate.unlink()
    from nlp.keywords import KEYWORDS_PATH

    engine.load(model_path=live, keywords_path=KEYWORDS_PATH)
    figures = evaluation.get("candidate", {}).get("test (all)", {})
    await audit.append(f"staff:{staff.id}", "model.switch", live.name, {"test": figures})
    return await _page(request, switched=True)
