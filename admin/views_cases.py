"""Cases: the list (filters, paging, XLSX export), the case page, its actions, attachments, monitors, reveal.

Every handler starts from `scope.visible_cases(request)` (or `scope.case_or_404`), so a
case outside the viewer's jurisdiction is a 404 on every URL and form.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from admin import case_actions, scope
from admin.case_media import attachment_views, download_name
from admin.reveal import RevealRefused, reveal_identity
from admin.case_query import PAGE_SIZE, CaseFilter
from admin.case_workbench import workbench_context
from admin.people import actor_names
from admin.views_bulk import monitors_for
from admin.filters import CST, STATUS_NAMES
from admin.web import render, services_of, staff_of
from handlers.cases.questions import open_questions
from handlers.cases.routing import office_codes
from handlers.cases.filing import open_answers
from handlers.cases.scope import monitor_could_see
from handlers.cases.actions import assign_monitor as assign
from nlp.categories import CATEGORY_NAMES
from storage import audit
from storage.models import Attachment, Case, CaseEvent, County, Role, Staff, Township, Village
from storage.models.admin import MonitorAssignment

routes = web.RouteTableDef()
EXPORT_MAX_ROWS = 20_000
COUNT_CAP = 1000
REPORTER_EVENTS = frozenset({"identity_revealed"})


def _case_roles(staff: Staff) -> None:
    scope.require(staff, scope.CASE_ROLES)


@routes.get("/cases")
async def case_list(request: web.Request) -> web.Response:
    staff = staff_of(request)
    _case_roles(staff)
    f = CaseFilter.parse(request.query)
    try:
        page = max(1, min(int(request.query.get("page", "1")), 100_000))
    except ValueError:
        page = 1
    qs = f.apply(await scope.visible_cases(request))
    if f.q:  # a text search scans: count at most COUNT_CAP matches, so the page stays fast
        total = len(await qs.limit(COUNT_CAP + 1).values_list("id", flat=True))
    else:
        total = await qs.count()
    rows = await qs.order_by("-id").offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE).values(
        "id", "number", "created_at", "category", "status", "office", "township_id", "village_id", "priority",
        "accept_due", "resolve_due", "overdue_level")
    towns = {t.code: t.name for t in await Township.all()}
    villages = {v["code"]: v["name"] for v in await Village.filter(
        code__in={r["village_id"] for r in rows if r["village_id"]}).values("code", "name")}
    pages = max(1, -(-min(total, COUNT_CAP) // PAGE_SIZE))
    return render(request, "cases.html", {
        "rows": rows, "total": f"{COUNT_CAP}+" if total > COUNT_CAP else total, "page": page, "pages": pages, "f": f, "towns": towns,
        "villages": villages, "township_choices": towns if scope.is_county(staff) else {},
        "offices": office_codes(await services_of(request).registry()),
        **({"bulk_monitors": await monitors_for(staff)} if scope.may_act(staff) else {}),
    })


@routes.get("/cases/export.xlsx")
async def case_export(request: web.Request) -> web.Response:
    from admin.xlsx import append, workbook, xlsx_response

    staff = staff_of(request)
    scope.require(staff, scope.ACTING_ROLES)
    f = CaseFilter.parse(request.query)
    rows = await f.apply(await scope.visible_cases(request)).order_by("-id").limit(EXPORT_MAX_ROWS).values_list(
        "number", "created_at", "category", "status", "township_id", "village_id", "office", "accept_due",
        "resolve_due")
    reg = await services_of(request).registry()
    offices = office_codes(reg)
    wb, ws = workbook("案件")
    append(ws, ["编号", "登记时间", "类别", "状态", "乡镇", "村", "承办单位", "受理期限", "办结期限"])
    for number, created, cat, status, town, village, office, adue, rdue in rows:
        t, v = reg.townships.get(town or ""), reg.villages.get(village or "")
        append(ws, [number, created.astimezone(CST).strftime("%Y-%m-%d %H:%M") if created else "",
                   CATEGORY_NAMES.get(cat, cat), STATUS_NAMES.get(status, status), t.name if t else "未识别",
                   v.name if v else "", offices.get(office, "未定"), adue, rdue])
    await audit.append(f"staff:{staff.id}", "cases.export", staff.scope_code,
                       {"rows": len(rows), "filters": f.as_detail()})
    return xlsx_response(wb, f"cases-{datetime.now(CST).strftime('%Y%m%d%H%M')}")


def _events_for(staff: Staff, events: list[CaseEvent]) -> list[CaseEvent]:
    """A monitor's timeline says nothing about the reporter: not even whether the report was 实名."""
    if scope.role(staff) is not Role.MONITOR:
        return events
    out = []
    for e in events:
        if e.kind in REPORTER_EVENTS:
            continue
        if e.kind == "filed":
            e.reason = ""
        out.append(e)
    return out


async def _case_context(request: web.Request, staff: Staff, case: Case) -> dict[str, object]:
    in_scope = await scope.visible_cases(request)
    linked_ids: set[int] = set()
    if case.priority > 0 and not case.linked_to_id:  # a cluster's root: linking raised its priority
        linked_ids = set(await in_scope.filter(linked_to_id=case.id).values_list("id", flat=True))
    if case.linked_to_id:
        linked_ids.add(case.linked_to_id)
    linked = await in_scope.filter(id__in=linked_ids).order_by("id").values(
        "id", "number", "status", "category", "created_at") if linked_ids else []
    monitor = scope.role(staff) is Role.MONITOR
    ctx: dict[str, object] = {
        "case": case,
        "township": await Township.get_or_none(code=case.township_id) if case.township_id else None,
        "village": await Village.get_or_none(code=case.village_id) if case.village_id else None,
        "events": _events_for(staff, await CaseEvent.filter(case_id=case.id).order_by("at", "id")),
        "linked": linked,
        "answers": open_answers(services_of(request).cipher, case),
        "attachments": await attachment_views(case, services_of(request)),
        "actions": case_actions.available(case, staff),
        "categories": CATEGORY_NAMES,
        "offices": await Township.all().order_by("code").values("code", "name"),
        "county": await County.first(),
        "office_name": office_codes(await services_of(request).registry()).get(case.office, "未定"),
        "actor_names": await actor_names(),
        "show_reporter": not monitor,
        "can_reveal": scope.may_see_reporter(staff) and not case.anonymous,
        "monitors": [], "monitor_places": {}, "assigned": [], "revealed": None, "error": "",
    }
    ctx["questions"] = await open_questions(case)
    ctx["follows"], ctx["follows_case"] = await _follows(case, in_scope)
    if not scope.may_act(staff):
        ctx["follows_case"] = None  # a monitor reads the reference, linking is the office's
    from handlers.publication.powers import rules_for_case
    from handlers.subsidies.attached import record_view

    ctx["subsidy"] = await record_view(case, services_of(request).cipher)  # a dispute's record, the payee masked

    ctx["powers_named"], ctx["powers_other"] = await rules_for_case(case.category, case.text)
    ctx.update(await workbench_context(case, staff))
    if scope.may_act(staff):
        ctx["assigned"] = await MonitorAssignment.filter(case_id=case.id).prefetch_related("staff")
        ctx["monitors"] = await _monitors_for(case, await scope.county_of(request))
        reg = await services_of(request).registry()
        ctx["monitor_places"] = {m.id: reg.villages[m.scope_code].name if m.scope_code in reg.villages else "本乡镇"
                                 for m in ctx["monitors"]}
    return ctx


async def _follows(case: Case, in_scope: Any) -> tuple[str, dict[str, Any] | None]:
    """A 续报: the case number the reporter named, and that case if it is ours and not yet linked with this one."""
    number = str((case.source_ref or {}).get("follows") or "")
    if not number:
        return "", None
    other = await in_scope.filter(number=number).exclude(id=case.id).first()
    if other is None:
        return number, None
    together = {case.linked_to_id or case.id} & {other.linked_to_id or other.id}
    return number, None if together else {"id": other.id, "number": other.number, "status": other.status}


async def _monitors_for(case: Case, county: str) -> list[Staff]:
    """The monitors of the case's own village (of its township while the village is unknown) who may see it."""
    area = case.village_id or case.township_id
    if not area:
        return []
    monitors = Staff.filter(role=Role.MONITOR, is_active=True)
    monitors = monitors.filter(scope_code=area) if case.village_id else monitors.filter(scope_code__startswith=area)
    return [m for m in await monitors.order_by("display_name", "username") if await monitor_could_see(m, case, county)]


@routes.get(r"/cases/{id:\d+}")
async def case_page(request: web.Request) -> web.Response:
    staff = staff_of(request)
    _case_roles(staff)
    case = await scope.case_or_404(request, request.match_info["id"])
    return render(request, "case.html", await _case_context(request, staff, case))


@routes.post(r"/cases/{id:\d+}/action")
async def case_action(request: web.Request) -> web.Response:
    staff = staff_of(request)
    _case_roles(staff)
    case = await scope.case_or_404(request, request.match_info["id"])
    form = {k: str(v) for k, v in (await request.post()).items()}
    try:
        await case_actions.perform(form.get("action", ""), case, staff, form, services_of(request))
    except case_actions.ActionError as exc:
        ctx = await _case_context(request, staff, case)
        ctx["error"] = str(exc)
        return render(request, "case.html", ctx, status=400)
    raise web.HTTPSeeOther(f"/admin/cases/{case.id}")


@routes.post(r"/cases/{id:\d+}/monitor")
async def assign_monitor(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.ACTING_ROLES)
    case = await scope.case_or_404(request, request.match_info["id"])
    raw = str((await request.post()).get("monitor", ""))
    try:
        await assign(case.id, actor_staff=staff, monitor_id=int(raw) if raw.isdigit() else 0,
                     services=services_of(request))
    except case_actions.ActionError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
    raise web.HTTPSeeOther(f"/admin/cases/{case.id}")


@routes.post(r"/cases/{id:\d+}/reveal")
async def reveal(request: web.Request) -> web.Response:
    """A 实名 reporter's identity, shown once in this response, for a stated reason, audited."""
    staff = staff_of(request)
    if not scope.may_see_reporter(staff):
        raise web.HTTPForbidden(text="只有县纪委监委的账户可以查看举报人身份。")
    case = await scope.case_or_404(request, request.match_info["id"])
    reason = str((await request.post()).get("reason", ""))
    ctx = await _case_context(request, staff, case)
    try:
        ident = await reveal_identity(staff, case, reason, services_of(request).cipher)
    except RevealRefused as exc:
        ctx["error"] = str(exc)
        return render(request, "case.html", ctx, status=400)
    ctx["revealed"] = {"name": ident.name, "phone": ident.phone, "channel": ident.channel}
    ctx["events"] = await CaseEvent.filter(case_id=case.id).order_by("at", "id")
    from handlers.subsidies.attached import record_view

    ctx["subsidy"] = await record_view(case, services_of(request).cipher, reveal=True)  # the payee in full, covered by this reveal
    return render(request, "case.html", ctx)


@routes.get(r"/cases/{id:\d+}/attachments/{aid:\d+}")
async def attachment(request: web.Request) -> web.Response:
    staff = staff_of(request)
    _case_roles(staff)
    case = await scope.case_or_404(request, request.match_info["id"])
    att = await Attachment.get_or_none(id=int(request.match_info["aid"]), case_id=case.id)
    if att is None:
        raise web.HTTPNotFound(text="没有这个附件。")
    from storage.attachments import read_attachment

    try:
        data = await read_attachment(att, services_of(request))
    except (OSError, ValueError) as exc:
        raise web.HTTPInternalServerError(text=f"attachment {att.id} unreadable: {type(exc).__name__}") from None
    disposition = "attachment" if request.query.get("download") else "inline"
    return web.Response(body=data, content_type=att.content_type, headers={
        "Content-Disposition": f'{disposition}; filename="{download_name(att)}"',
        "Content-Security-Policy": "sandbox; default-src 'none'", "X-Content-Type-Options": "nosniff"})
