"""公示 archive in the panel: every announcement sent to groups, searchable and per village; subsidy 公示.

    GET  /archive                  ?q= &village= ; township staff see their own villages' announcements
    POST /archive/subsidy-preview  the masked list of a program in a village over dates (county admin)
    POST /archive/subsidy-send     send it to the village's groups (handlers.cases.announce, kind "subsidy")
"""
from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web

from admin import scope
from admin.publication_scope import require_read, township_of
from admin.web import render, services_of, staff_of
from handlers.cases.announce import announce
from handlers.cases.scope import BadInput, RoleNotAllowed
from handlers.publication import archive
from storage.models import SubsidyRecord, Township, Village, WechatGroup

routes = web.RouteTableDef()


async def _page(request: web.Request, **ctx: Any) -> web.Response:
    staff = staff_of(request)
    town = township_of(staff)
    q = str(request.query.get("q", "")).strip()[:40]
    village = str(request.query.get("village", "")).strip()[:16]
    if town is not None and village and not await Village.exists(code=village, township_id=town):
        village = ""
    rows = await archive.search(village=village or None, township=town if not village else None, q=q).limit(50)
    villages = await (Village.all() if town is None else Village.filter(township_id=town)).order_by("code")
    base = {"rows": rows, "reached": await archive.villages_of([a.id for a in rows]), "q": q, "village": village,
            "villages": villages, "towns": {t.code: t.name for t in await Township.all()},
            "programs": sorted(set(await SubsidyRecord.all().distinct().values_list("program", flat=True))),
            "preview": None, "form": {}, "error": "", "sent": 0}
    base.update(ctx)
    return render(request, "archive.html", base, status=400 if base["error"] else 200)


@routes.get("/archive")
async def archive_page(request: web.Request) -> web.Response:
    require_read(staff_of(request))
    return await _page(request)


async def _subsidy_list(request: web.Request) -> tuple[dict[str, str], archive.SubsidyList]:
    form = {k: str(v) for k, v in (await request.post()).items()}
    try:
        start, end = date.fromisoformat(form.get("start", "")), date.fromisoformat(form.get("end", ""))
    except ValueError:
        raise BadInput("请填写起止日期") from None
    if not await Village.exists(code=form.get("village", "")):
        raise BadInput("请选择村")
    listed = await archive.subsidy_list(form["village"], form.get("program", ""), start, end,
                                       services_of(request).cipher)
    if not listed.rows:
        raise BadInput("这段时间该村没有这个项目的发放记录")
    return form, listed


@routes.post("/archive/subsidy-preview")
async def subsidy_preview(request: web.Request) -> web.Response:
    scope.require(staff_of(request), scope.ADMIN_ROLES)
    try:
        form, listed = await _subsidy_list(request)
    except BadInput as exc:
        return await _page(request, error=str(exc))
    return await _page(request, preview=listed.text, form=form)


@routes.post("/archive/subsidy-send")
async def subsidy_send(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.ADMIN_ROLES)
    try:
        form, listed = await _subsidy_list(request)
        groups = await WechatGroup.filter(village_id=form["village"]).values_list("chat_id", flat=True)
        sent = await announce(listed.text, list(groups), staff, services_of(request), kind="subsidy",
                              title=f"{listed.village}{listed.program}发放公示")
    except (BadInput, RoleNotAllowed) as exc:
        return await _page(request, error=str(exc))
    return await _page(request, sent=sent)
