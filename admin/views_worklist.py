"""工作清单 (the worklist): the four lists of admin/worklist.py, within the clerk's jurisdiction.

    GET /worklist      my overdue cases, due this week, waiting for the reporter, new since yesterday
                       (at most LIMIT each, most urgent first; the header of every page counts them)
"""
from __future__ import annotations

from aiohttp import web

from admin import scope
from admin.web import render, services_of, staff_of
from admin.worklist import ITEMS, item
from storage.china_time import today as clock_today
from storage.models import Township, Village

routes = web.RouteTableDef()
LIMIT = 50
COLUMNS = ("id", "number", "created_at", "category", "status", "township_id", "village_id", "accept_due",
           "resolve_due", "overdue_level")


@routes.get("/worklist")
async def worklist_page(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.CASE_ROLES)
    scoped = await scope.visible_cases(request)
    today = clock_today(services_of(request).clock)
    sections = []
    for key, title in ITEMS:
        qs = await item(scoped, key, today)
        order = ("-created_at",) if key == "new" else ("-overdue_level", "accept_due", "resolve_due", "id")
        sections.append({"key": key, "title": title, "total": await qs.count(),
                         "rows": await qs.order_by(*order).limit(LIMIT).values(*COLUMNS)})
    villages = {r["village_id"] for s in sections for r in s["rows"] if r["village_id"]}
    return render(request, "worklist.html", {
        "sections": sections, "limit": LIMIT, "today": today,
        "towns": {t.code: t.name for t in await Township.all()},
        "villages": dict(await Village.filter(code__in=villages).values_list("code", "name")),
    })
