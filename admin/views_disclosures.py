"""村务、财务公开 in the panel: which villages are late per township, the uploads, the periods.

    GET  /disclosures          per township: villages late past a due date (scoped), latest uploads, periods
    POST /disclosures/upload   a village's XLSX or PDF for a period (township staff: own villages), audited
    POST /disclosures/periods  open a quarter (county admin), audited "disclosure.period"
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from aiohttp import web

from admin import scope
from admin.publication_scope import require_read, township_of, village_or_403
from admin.web import render, staff_of
from handlers.publication import disclosures as D
from storage import audit
from storage.china_time import today as china_today
from storage.models import Township, Village
from storage.models.publication import Disclosure, DisclosureKind, DisclosurePeriod

routes = web.RouteTableDef()


async def _page(request: web.Request, **ctx: Any) -> web.Response:
    staff = staff_of(request)
    town = township_of(staff)
    late = await D.late_villages(township=town)
    by_town: dict[str, list[D.Late]] = defaultdict(list)
    for x in late:
        by_town[x.township].append(x)
    towns = {t.code: t.name for t in await Township.all().order_by("code")}
    villages = await (Village.all() if town is None else Village.filter(township_id=town)).order_by("code")
    recent = Disclosure.all() if town is None else Disclosure.filter(village__township_id=town)
    base = {"by_town": sorted(by_town.items()), "towns": towns, "villages": villages,
            "periods": await DisclosurePeriod.all().order_by("-due_on", "kind"), "kinds": D.KIND_NAMES,
            "recent": await recent.prefetch_related("village", "period").order_by("-id").limit(30),
            "period_name": D.period_name, "error": "", "uploaded": None, "today": china_today()}
    base.update(ctx)
    return render(request, "disclosures.html", base, status=400 if base["error"] else 200)


@routes.get("/disclosures")
async def disclosures_page(request: web.Request) -> web.Response:
    require_read(staff_of(request))
    return await _page(request)


@routes.post("/disclosures/upload")
async def disclosure_upload(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.ACTING_ROLES)
    form = await request.post()
    village = await village_or_403(staff, str(form.get("village", "")))
    upload = form.get("file")
    if not isinstance(upload, web.FileField):
        return await _page(request, error="请选择 XLSX 或 PDF 文件")
    try:
        period_id = int(str(form.get("period", "")))
    except ValueError:
        return await _page(request, error="请选择公开期")
    try:
        d = await D.publish(D.Upload(village.code, period_id, str(form.get("title", "")),
                                     str(form.get("summary", "")), upload.filename or "",
                                     upload.file.read(D.MAX_BYTES + 1)),
                            actor=f"staff:{staff.id}")
    except D.BadDisclosure as exc:
        return await _page(request, error=str(exc))
    return await _page(request, uploaded=d)


@routes.post("/disclosures/periods")
async def disclosure_period(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.ADMIN_ROLES)
    form = await request.post()
    try:
        year, quarter = int(str(form.get("year", ""))), int(str(form.get("quarter", "")))
        kind = DisclosureKind(str(form.get("kind", "")))
        if not (2000 <= year <= 2100 and 1 <= quarter <= 4):
            raise ValueError
    except ValueError:
        return await _page(request, error="请填写年份、季度和公开类别")
    p = await D.quarter_period(kind, year, quarter)
    await audit.append(f"staff:{staff.id}", "disclosure.period", f"period:{p.id}",
                       {"kind": str(kind), "label": p.label, "due_on": p.due_on.isoformat()})
    raise web.HTTPSeeOther("/admin/disclosures")
