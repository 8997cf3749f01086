"""群众点题 in the panel: rounds (county admin opens and closes them), results per township.

    GET  /topics                  every round; the chosen one's results per township (township staff: their own)
    POST /topics                  a new round: title, dates, one topic per line ("题目：说明") — audited
    POST /topics/{id}/status      open | close (closing marks the two topics with most votes) — audited
"""
from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web

from admin import scope
from admin.publication_scope import require_read, township_of
from admin.web import render, staff_of
from handlers.publication import topics as T
from storage.china_time import today as china_today
from storage.models import Township
from storage.models.publication import RoundStatus, TopicRound

routes = web.RouteTableDef()
TOPIC_STATUS_NAMES = {"draft": "未开始", "open": "投票中", "closed": "已截止"}


async def _page(request: web.Request, **ctx: Any) -> web.Response:
    staff = staff_of(request)
    rounds = await TopicRound.all().order_by("-id")
    try:
        chosen_id = int(request.query.get("round", rounds[0].id if rounds else 0))
    except ValueError:
        chosen_id = 0
    current = next((r for r in rounds if r.id == chosen_id), None)
    town = township_of(staff)
    results, items, totals = [], [], {}
    if current is not None:
        items = await T.topics_of(current)
        results = await T.by_township(current, town)
        totals = await T.tally(current, township=town)
    base = {"rounds": rounds, "current": current, "items": items, "results": results, "totals": totals,
            "towns": {t.code: t.name for t in await Township.all()}, "status_names": TOPIC_STATUS_NAMES,
            "error": "", "today": china_today()}
    base.update(ctx)
    return render(request, "topics.html", base, status=400 if base["error"] else 200)


@routes.get("/topics")
async def topics_page(request: web.Request) -> web.Response:
    require_read(staff_of(request))
    return await _page(request)


@routes.post("/topics")
async def topics_create(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.ADMIN_ROLES)
    form = await request.post()
    lines = [ln.strip() for ln in str(form.get("topics", "")).splitlines() if ln.strip()]
    pairs = [(ln.replace(":", "：").split("：", 1) + [""])[:2] for ln in lines]
    try:
        r = await T.create_round(str(form.get("title", "")), date.fromisoformat(str(form.get("opens_on", ""))),
                                 date.fromisoformat(str(form.get("closes_on", ""))),
                                 [(a, b) for a, b in pairs], actor=f"staff:{staff.id}")
    except ValueError as exc:  # RoundRefused, or a date that does not parse
        return await _page(request, error=str(exc) if isinstance(exc, T.RoundRefused) else "请填写开始和截止日期")
    raise web.HTTPSeeOther(f"/admin/topics?round={r.id}")


@routes.post(r"/topics/{id:\d+}/status")
async def topics_status(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.ADMIN_ROLES)
    r = await TopicRound.get_or_none(id=int(request.match_info["id"]))
    if r is None:
        raise web.HTTPNotFound(text="没有这一轮点题。")
    want = str((await request.post()).get("status", ""))
    if want not in (RoundStatus.OPEN, RoundStatus.CLOSED):
        raise web.HTTPBadRequest(text="状态只能是开始或结束。")
    await T.set_status(r, RoundStatus(want), actor=f"staff:{staff.id}")
    raise web.HTTPSeeOther(f"/admin/topics?round={r.id}")
