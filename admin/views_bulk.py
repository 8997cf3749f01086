"""Bulk actions over the filtered case list: 受理, 交办监督员, 延期 for many cases at once.

    POST /cases/bulk   action + the checked ids (or every case the filter finds, up to BULK_MAX)

Each case goes through the same domain function as on its own page (handlers/cases/actions.py:
role, scope and status checked, an event with who and why, notifications), one by one, so a
refusal of one case refuses only that case; the result page says which and why. Each case's
outcome is in the audit log (`case.bulk`). A case outside the staff's jurisdiction reads as
absent, exactly like on its own page.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from aiohttp import web

from admin import scope
from admin.case_query import CaseFilter
from admin.web import render, services_of, staff_of
from handlers.cases import actions
from handlers.cases.scope import ActionError
from storage import audit
from storage.models import Case, Role, Staff

routes = web.RouteTableDef()
BULK_MAX = 200
BULK_ACTIONS = {"accept": "受理", "assign_monitor": "交办监督员", "extend": "延期"}


async def monitors_for(staff: Staff) -> list[Staff]:
    """The monitors of the staff's jurisdiction (the domain still checks each case)."""
    qs = Staff.filter(role=Role.MONITOR, is_active=True)
    if not scope.is_county(staff):
        qs = qs.filter(scope_code__startswith=staff.scope_code)
    return await qs.order_by("username")


def _call(name: str, form: dict[str, str]) -> Callable[[int, Staff, Any], Awaitable[Case]]:
    """The domain call for one case, its arguments read from the form once (BadInput for a bad form)."""
    if name == "accept":
        return lambda cid, staff, services: actions.accept(cid, actor_staff=staff, services=services)
    if name == "assign_monitor":
        raw = form.get("monitor", "")
        if not raw.isdigit():
            raise actions.BadInput("请选择作风监督员")
        return lambda cid, staff, services: actions.assign_monitor(cid, actor_staff=staff, monitor_id=int(raw),
                                                                  services=services)
    if name == "extend":
        raw = form.get("days", "")
        if not raw.isdigit():
            raise actions.BadInput("延期天数应为整数")
        return lambda cid, staff, services: actions.extend(cid, actor_staff=staff, days=int(raw),
                                                          reason=form.get("reason", ""), services=services)
    raise actions.BadInput(f"没有“{name}”这个批量操作")


@routes.post("/cases/bulk")
async def bulk(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.ACTING_ROLES)
    post = await request.post()
    form = {k: str(v) for k, v in post.items() if k != "ids"}
    name = form.get("action", "")
    visible = await scope.visible_cases(request)
    f = CaseFilter.parse(form)
    if form.get("all_filtered") == "1":
        ids = list(await f.apply(visible).order_by("-id").limit(BULK_MAX).values_list("id", flat=True))
    else:
        ids = [int(x) for x in dict.fromkeys(str(v) for v in post.getall("ids", [])) if x.isdigit()][:BULK_MAX]
    results: list[dict[str, Any]] = []
    error = ""
    try:
        call = _call(name, form)
        if not ids:
            raise actions.BadInput("请先勾选案件")
    except ActionError as exc:
        error, ids = str(exc), []
    numbers = dict(await visible.filter(id__in=ids).values_list("id", "number")) if ids else {}
    services = services_of(request)
    for cid in ids:
        if cid not in numbers:
            results.append({"id": None, "number": f"#{cid}", "ok": False, "why": "案件不存在或不在您的管辖范围内"})
            continue
        try:
            await call(cid, staff, services)
            row = {"id": cid, "number": numbers[cid], "ok": True, "why": ""}
        except ActionError as exc:
            row = {"id": cid, "number": numbers[cid], "ok": False, "why": str(exc), "code": exc.code}
        results.append(row)
        await audit.append(f"staff:{staff.id}", "case.bulk", numbers[cid] or str(cid),
                           {"action": name, "ok": row["ok"]} | ({"refused": row["code"]} if not row["ok"] else {}))
    return render(request, "bulk_result.html", {
        "action_name": BULK_ACTIONS.get(name, name), "results": results, "error": error,
        "done": sum(r["ok"] for r in results), "back": f.query_string(),
    }, status=400 if error else 200)
