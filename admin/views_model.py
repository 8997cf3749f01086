"""The keyword model (county admin): edit category keywords, retrain, compare, switch.

    GET  /model            keywords.tsv, the live model's figures, staff corrections, the candidate if any
    POST /model/keywords   validated, stored as a new version in the database (handlers.model_files)
    POST /model/train      admin.model_job in a child process → var/models/{candidate,evaluation}.json
    POST /model/switch     the candidate becomes the live model: a new version in the database

Every server and worker process picks up a new version within seconds (handlers.model_files.sync);
nothing is written into the installed package.
"""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from aiohttp import web

from admin import scope
from admin.keyword_text import KeywordTextError, for_clerk, from_clerk
from admin.web import render, services_of, staff_of
from storage import audit
from storage.models import Case, CaseEvent

routes = web.RouteTableDef()
# the evaluation's test splits (nlp.evaluate names them for developers) as the page calls them
REGISTRY_LABELS = {"demo": "演示县的地名", "second": "训练中未出现过的另一个县的地名"}


def split_label(name: str) -> str:
    if name.endswith("(all)"):
        return "全部测试样本"
    reg = name.split("/", 1)[-1].replace("registry", "").strip()
    return f"测试样本：{REGISTRY_LABELS.get(reg, '其他县的地名')}"


_TRAINING: dict[str, asyncio.Task[Any]] = {}


def _models_dir(request: web.Request) -> Path:
    return Path(services_of(request).settings.var_dir) / "models"


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (OSError, ValueError):
        return None


async def _page(request: web.Request, **ctx: Any) -> web.Response:
    from handlers import model_files

    d = _models_dir(request)
    try:
        live = json.loads(await model_files.live_text("model"))
    except ValueError:
        live = {}
    base: dict[str, Any] = {
        "keywords": for_clerk(await model_files.live_text("keywords")),
        "live_meta": live.get("meta", {}),
        "versions": {k: await model_files.versions(k) for k in model_files.KINDS},
        "corrections": await CaseEvent.filter(kind="recategorised").count(),
        "evaluation": _read_json(d / "evaluation.json"),
        "has_candidate": (d / "candidate.json").exists(),
        "training": "job" in _TRAINING and not _TRAINING["job"].done(),
        "error": "", "saved": False, "switched": False, "split_label": split_label,
    }
    base.update(ctx)
    return render(request, "model.html", base, status=400 if base["error"] else 200)


@routes.get("/model")
async def model_page(request: web.Request) -> web.Response:
    scope.require(staff_of(request), scope.ADMIN_ROLES)
    return await _page(request)


@routes.post("/model/keywords")
async def save_keywords(request: web.Request) -> web.Response:
    from handlers.model_files import ModelFileError, save

    staff = staff_of(request)
    scope.require(staff, scope.ADMIN_ROLES)
    text = str((await request.post()).get("keywords", "")).replace("\r\n", "\n")
    try:
        await save("keywords", from_clerk(text), actor=f"staff:{staff.id}", services=services_of(request))
    except (KeywordTextError, ModelFileError) as exc:
        return await _page(request, error=f"{exc}（未保存）", keywords=text)
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
    from handlers.model_files import live_paths

    await write_corrections(out)
    keywords_path, model_path, _ = await live_paths(out.parent)
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "admin.model_job", str(out),
                                                str(keywords_path), str(model_path),
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
    from handlers.model_files import ModelFileError, save

    staff = staff_of(request)
    scope.require(staff, scope.ADMIN_ROLES)
    candidate = _models_dir(request) / "candidate.json"
    evaluation = _read_json(_models_dir(request) / "evaluation.json")
    if not candidate.exists() or not evaluation or "error" in evaluation:
        return await _page(request, error="没有评估通过的候选模型，请先重新训练。")
    try:
        version = await save("model", candidate.read_text(encoding="utf-8"), actor=f"staff:{staff.id}",
                             services=services_of(request))
    except (OSError, ModelFileError) as exc:
        return await _page(request, error=f"候选模型无法加载：{exc}")
    candidate.unlink()
    figures = evaluation.get("candidate", {}).get("test (all)", {})
    await audit.append(f"staff:{staff.id}", "model.switch", f"model_file:{version}", {"test": figures})
    return await _page(request, switched=True)
