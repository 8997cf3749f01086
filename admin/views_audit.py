"""The audit log: search by actor, action, target and date, and the hash-chain check (county admin, auditor)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from aiohttp import web

from admin import scope
from admin.audit_text import AuditNames
from admin.filters import CST
from admin.web import render, services_of, staff_of
from handlers.cases.routing import office_codes
from storage import audit
from storage.models import AuditEntry
from storage.models.audit import ACTION_NAMES

routes = web.RouteTableDef()
PAGE = 100


def _day(s: str) -> date | None:
    try:
        return date.fromisoformat(s)
    except ValueError:
        return None


@routes.get("/audit")
async def audit_log(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.AUDIT_ROLES)
    q = {k: request.query.get(k, "").strip()[:64] for k in ("actor", "action", "target", "since", "until")}
    qs = AuditEntry.all()
    if q["actor"]:
        qs = qs.filter(actor=q["actor"])
    if q["action"]:
        qs = qs.filter(action__startswith=q["action"])
    if q["target"]:
        qs = qs.filter(target__icontains=q["target"])
    if (since := _day(q["since"])) is not None:
        qs = qs.filter(at__gte=datetime.combine(since, time(), tzinfo=CST))
    if (until := _day(q["until"])) is not None:
        qs = qs.filter(at__lt=datetime.combine(until, time(), tzinfo=CST) + timedelta(days=1))
    try:
        before = int(request.query.get("before", "0"))
    except ValueError:
        before = 0
    if before > 0:
        qs = qs.filter(id__lt=before)
    entries = await qs.order_by("-id").limit(PAGE)
    return await _page(request, q, entries, None, entries[-1].id if len(entries) == PAGE else 0)


async def _page(request: web.Request, q: dict[str, str], entries: list[AuditEntry], verify: object,
                more: int) -> web.Response:
    reg = await services_of(request).registry()
    names = await AuditNames.load(office_codes(reg),
                                  {c: v.name for c, v in reg.villages.items()})
    people = {f"staff:{sid}": names.person(str(sid)) for sid in sorted(names.staff)}
    return render(request, "audit.html", {
        "q": q, "entries": [names.line(e) for e in entries], "verify": verify, "more": more,
        "people": people, "actions": {k.rstrip("."): v for k, v in ACTION_NAMES.items()}})


@routes.post("/audit/verify")
async def audit_verify(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.AUDIT_ROLES)
    result = await audit.verify()
    await audit.append(f"staff:{staff.id}", "audit.verify", "", {"ok": result.ok, "checked": result.checked})
    entries = await AuditEntry.all().order_by("-id").limit(PAGE)
    q = dict.fromkeys(("actor", "action", "target", "since", "until"), "")
    return await _page(request, q, entries, result, 0)
