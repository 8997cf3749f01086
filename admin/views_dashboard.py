"""The dashboard: open, overdue, resolved this month, rates, and charts — all within the viewer's scope.

The figures of one scope are cached in Redis for CACHE_S seconds: every township's staff
opening the panel in the morning costs one computation, not one each.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

from aiohttp import web

from admin import scope, stats
from admin.filters import CST, STATUS_NAMES
from admin.web import render, services_of, staff_of
from nlp.categories import CATEGORY_NAMES
from storage import keys
from storage.models import Role, Staff

routes = web.RouteTableDef()
CACHE_S = 30


def scope_key(staff: Staff) -> str:
    r = scope.role(staff)
    return f"monitor:{staff.id}" if r is Role.MONITOR else f"{'county' if scope.is_county(staff) else r}:{staff.scope_code}"


async def dashboard_stats(staff: Staff, county: str, redis: object, *, cache: bool = True) -> tuple[stats.Stats, str]:
    """(figures, when they were computed, HH:MM:SS China time)."""
    key = keys.admin_stats(scope_key(staff))
    if cache:
        raw = await redis.get(key)  # type: ignore[attr-defined]
        if raw:
            d = json.loads(raw)
            return stats.Stats(**d["s"]), d["at"]
    s = await stats.compute(scope.cases_for(staff, county), whole=scope.is_county(staff))
    s.rows = []
    at = datetime.now(CST).strftime("%H:%M:%S")
    await redis.set(key, json.dumps({"s": asdict(s), "at": at}, ensure_ascii=False), ex=CACHE_S)  # type: ignore[attr-defined]
    return s, at


@routes.get("/")
async def dashboard(request: web.Request) -> web.Response:
    staff = staff_of(request)
    if scope.role(staff) is Role.AUDITOR:
        raise web.HTTPFound("/admin/audit")
    s, at = await dashboard_stats(staff, await scope.county_of(request), services_of(request).redis,
                                  cache=request.query.get("fresh") != "1")
    charts = json.dumps(stats.chart_data(s, CATEGORY_NAMES, STATUS_NAMES), ensure_ascii=False).replace("</", "<\\/")
    return render(request, "dashboard.html", {"s": s, "charts": charts, "at": at, "cache_s": CACHE_S})
