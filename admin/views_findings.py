"""Comparison findings (大数据比对): counts by rule and township, the list, the drill-down, explain, export.

    GET  /findings                  counts (scoped) and the filtered list
    GET  /findings/export.xlsx      the filtered list as a spreadsheet, audited ("findings.export")
    GET  /findings/{id}             the finding and its records, masked (胡*山, 6107**********0010), audited
    POST /findings/{id}/explain     handlers.compare.explain with the staff member's reason

Every handler starts from `finding_query.findings_for(staff, county)`, so a finding out of scope is a 404 on
every URL and form. Nothing personal leaves handlers.compare.records unmasked, and nothing personal
goes into the audit detail.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from admin import scope
from admin.filters import CST, STATUS_NAMES, program_cn
from admin.finding_query import (FINDING_ROLES, PAGE_SIZE, STATE_NAMES, FindingFilter, counts_by, finding_or_404,
                                 findings_for)
from admin.views_compare_job import job_view, may_run
from admin.web import render, services_of, staff_of
from handlers.compare import RULES, RULES_BY_NAME, explain, job
from handlers.compare.records import facts, finding_records, period_name
from handlers.compare.runner import NotExplainable
from storage import audit
from storage.models import Case, Staff, Township, Village
from storage.models.compare import Finding

routes = web.RouteTableDef()
EXPORT_MAX_ROWS = 20_000
MIN_REASON = 4  # characters, as for revealing a reporter: "ok" is not an explanation
ACROSS = "跨乡镇"
LIST_COLUMNS = ("id", "rule", "township_id", "village_id", "program", "period", "records", "amount",
                "first_paid", "last_paid", "note", "status", "case_id", "explained_reason")


def _allowed(staff: Staff) -> None:
    scope.require(staff, FINDING_ROLES)


async def _names(rows: list[dict[str, Any]]) -> tuple[dict[str, str], dict[str, str], dict[int, str]]:
    towns = {t.code: t.name for t in await Township.all()}
    villages = dict(await Village.filter(code__in={r["village_id"] for r in rows if r["village_id"]})
                    .values_list("code", "name"))
    numbers = dict(await Case.filter(id__in={r["case_id"] for r in rows if r["case_id"]})
                   .values_list("id", "number"))
    return towns, villages, numbers  # type: ignore[return-value]


def _facts(row: dict[str, Any]) -> str:
    return facts(Finding(rule=row["rule"], note=row["note"], period=row["period"]))


@routes.get("/findings")
async def finding_list(request: web.Request) -> web.Response:
    staff = staff_of(request)
    _allowed(staff)
    f = FindingFilter.parse(request.query)
    try:
        page = max(1, min(int(request.query.get("page", "1")), 100_000))
    except ValueError:
        page = 1
    county = await scope.county_of(request)
    mine = findings_for(staff, county)
    by_rule, by_town = await counts_by(mine, "rule"), await counts_by(mine, "township_id")
    qs = f.apply(findings_for(staff, county))
    total = await qs.count()
    rows = await qs.order_by("-id").offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE).values(*LIST_COLUMNS)
    towns, villages, numbers = await _names(rows)
    for r in rows:
        r["facts"] = _facts(r)
    return render(request, "findings.html", {
        "rows": rows, "total": total, "page": page, "pages": max(1, -(-total // PAGE_SIZE)), "f": f,
        "rules": RULES, "by_rule": by_rule, "by_town": sorted(by_town.items(), key=lambda kv: kv[0] or "~"),
        "towns": towns, "villages": villages, "numbers": numbers, "states": STATE_NAMES, "across": ACROSS,
        "township_choices": towns if scope.is_county(staff) else {},
        "may_run": may_run(staff), "busy": request.query.get("busy") == "1",
        "job": job_view(await job.status(services_of(request).redis)) if may_run(staff) else None,
    })


@routes.get("/findings/export.xlsx")
async def finding_export(request: web.Request) -> web.Response:
    from admin.xlsx import append, workbook, xlsx_response

    staff = staff_of(request)
    _allowed(staff)
    f = FindingFilter.parse(request.query)
    qs = f.apply(findings_for(staff, await scope.county_of(request)))
    rows = await qs.order_by("-id").limit(EXPORT_MAX_ROWS).values(*LIST_COLUMNS)
    towns, villages, numbers = await _names(rows)
    wb, ws = workbook("比对疑点")
    append(ws, ["疑点编号", "规则", "乡镇", "村", "项目", "周期", "笔数", "金额（元）", "最早发放", "最晚发放", "情况",
               "状态", "线索案件", "核实说明"])
    for r in rows:
        rule = RULES_BY_NAME.get(r["rule"])
        append(ws, [r["id"], rule.title if rule else r["rule"], towns.get(r["township_id"] or "", ACROSS),
                   villages.get(r["village_id"] or "", "多个村" if not r["village_id"] else r["village_id"]),
                   program_cn(r["program"]), period_name(r["period"]), r["records"], float(r["amount"]), r["first_paid"], r["last_paid"],
                   _facts(r), STATE_NAMES.get(r["status"], r["status"]), numbers.get(r["case_id"], ""),
                   r["explained_reason"]])
    await audit.append(f"staff:{staff.id}", "findings.export", staff.scope_code,
                       {"rows": len(rows), "filters": f.as_detail()})
    return xlsx_response(wb, f"findings-{datetime.now(CST).strftime('%Y%m%d%H%M')}")


async def _detail(request: web.Request, staff: Staff, f: Finding, *, error: str = "",
                  status: int = 200) -> web.Response:
    rule = RULES_BY_NAME[f.rule]
    records = await finding_records(f, rule, services_of(request).cipher)
    await audit.append(f"staff:{staff.id}", "findings.view", f"finding:{f.id}",
                       {"rule": f.rule, "records": len(records)})
    case = await Case.get_or_none(id=f.case_id) if f.case_id else None  # type: ignore[attr-defined]
    township = await Township.get_or_none(code=f.township_id) if f.township_id else None
    village = await Village.get_or_none(code=f.village_id) if f.village_id else None
    who = next((r for r in records if r.name or r.id_number), None)
    return render(request, "finding.html", {
        "finding": f, "rule": rule, "facts": facts(f), "records": records, "who": who, "case": case,
        "township": township.name if township else ACROSS, "village": village.name if village else "多个村",
        "states": STATE_NAMES, "STATUS": STATUS_NAMES, "error": error, "min_reason": MIN_REASON,
    }, status=status)


@routes.get(r"/findings/{id:\d+}")
async def finding_page(request: web.Request) -> web.Response:
    staff = staff_of(request)
    _allowed(staff)
    f = await finding_or_404(staff, request.match_info["id"], await scope.county_of(request))
    return await _detail(request, staff, f)


@routes.post(r"/findings/{id:\d+}/explain")
async def finding_explain(request: web.Request) -> web.Response:
    staff = staff_of(request)
    _allowed(staff)
    f = await finding_or_404(staff, request.match_info["id"], await scope.county_of(request))
    reason = str((await request.post()).get("reason", "")).strip()[:1000]
    if len(reason) < MIN_REASON:
        return await _detail(request, staff, f, error=f"请填写核实说明（至少{MIN_REASON}个字）。", status=400)
    try:
        await explain(f.id, reason, actor=f"staff:{staff.id}", services=services_of(request))
    except NotExplainable:
        f = await Finding.get(id=f.id)
        return await _detail(request, staff, f, error="该疑点已由他人说明，无需重复说明。", status=409)
    raise web.HTTPSeeOther(f"/admin/findings/{f.id}")
