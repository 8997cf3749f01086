"""The dashboard: open, overdue, resolved this month, rates, and charts — all within the viewer's scope."""
from __future__ import annotations

import json

from aiohttp import web

from admin import scope, stats
from admin.filters import STATUS_NAMES
from admin.web import render, staff_of
from nlp.categories import CATEGORY_NAMES
from storage.models import Role

routes = web.RouteTableDef()


@routes.get("/")
async def dashboard(request: web.Request) -> web.Response:
    staff = staff_of(request)
    if scope.role(staff) is Role.AUDITOR:
        raise web.HTTPFound("/admin/audit")
    s = await stats.compute(scope.cases_for(staff), whole=scope.is_county(staff))
    charts = json.dumps(stats.chart_data(s, CATEGORY_NAMES, STATUS_NAMES), ensure_ascii=False).replace("</", "<\\/")
    return render(request, "dashboard.html", {"s": s, "charts": charts})
