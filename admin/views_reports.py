"""Monthly and quarterly statistics (一月一汇报、一季一通报) as XLSX, within the viewer's scope, audited.

The workbook: a summary sheet (filed, open, overdue, resolved in the period, 办结率, 满意率), then the
cases of the period by township × status and by category × status. No personal data.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable

from aiohttp import web

from admin import scope, stats
from admin.filters import CST, STATUS_NAMES
from admin.web import render, staff_of
from admin.xlsx import append, cell, workbook, xlsx_response
from nlp.categories import CATEGORY_NAMES
from storage import audit
from storage.china_time import today as china_today
from storage.models import Township

routes = web.RouteTableDef()


def period_bounds(kind: str, value: str) -> tuple[str, datetime, datetime]:
    """("2026年3月" | "2026年第1季度", start, end) for `month` 2026-03 or `quarter` 2026-Q1."""
    try:
        if kind == "month":
            y, m = (int(x) for x in value.split("-"))
            first = date(y, m, 1)
            return f"{y}年{m}月", stats.month_start(first), stats.month_start(stats.add_months(first, 1))
        if kind == "quarter":
            y_s, q_s = value.upper().split("-Q")
            y, q = int(y_s), int(q_s)
            if not 1 <= q <= 4:
                raise ValueError
            first = date(y, 3 * q - 2, 1)
            return f"{y}年第{q}季度", stats.month_start(first), stats.month_start(stats.add_months(first, 3))
    except ValueError:
        pass
    raise web.HTTPBadRequest(text="期间格式不对：月份如 2026-03，季度如 2026-Q1。")


@routes.get("/reports")
async def reports(request: web.Request) -> web.Response:
    scope.require(staff_of(request), scope.ACTING_ROLES)
    today = datetime.now(CST).date()
    last = stats.add_months(today.replace(day=1), -1)
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    return render(request, "reports.html", {"month": last.strftime("%Y-%m"), "quarter": quarter})


@routes.get("/reports/statistics.xlsx")
async def statistics_xlsx(request: web.Request) -> web.Response:
    from openpyxl.styles import Font

    staff = staff_of(request)
    scope.require(staff, scope.ACTING_ROLES)
    kind = request.query.get("kind", "month")
    label, start, end = period_bounds(kind, request.query.get("period", ""))
    scoped = await scope.visible_cases(request)
    s = await stats.compute(scoped, start=start, end=end, trend_months=0, today=min(end.date(), china_today()),
                            whole=scope.is_county(staff))
    towns = {t.code: t.name for t in await Township.all()}
    wb, ws = workbook("汇总")
    title = f"{label}信访举报统计（{'全县' if scope.is_county(staff) else towns.get(staff.scope_code, staff.scope_code)}）"
    ws.append([cell(ws, title, font=Font(bold=True, size=14))])
    for row in (("登记件数", s.total), ("办理中", s.open), ("超期", s.overdue), ("本期办结", s.resolved_in_period),
                ("评价次数", s.rated), ("其中满意", s.satisfied)):
        append(ws, row)
    for what, rate in (("办结率", s.completion_rate), ("满意率", s.satisfaction_rate)):
        append(ws, [what, cell(ws, round(rate, 4), number_format="0.0%") if rate is not None else "—"])
    statuses = list(STATUS_NAMES)
    _matrix(wb.create_sheet("按乡镇"), "乡镇", stats.matrix(s.rows, "township_id"), statuses,
            lambda c: towns.get(c, c or "未识别"))
    _matrix(wb.create_sheet("按类别"), "类别", stats.matrix(s.rows, "category"), statuses,
            lambda c: CATEGORY_NAMES.get(c, c))
    await audit.append(f"staff:{staff.id}", "statistics.export", staff.scope_code,
                       {"kind": kind, "period": request.query.get("period", ""), "cases": s.total})
    return xlsx_response(wb, f"statistics-{request.query.get('period', '')}")


def _matrix(ws: Any, what: str, table: dict[str, dict[str, int]], statuses: list[str],
            name: Callable[[str], str]) -> None:
    """One row per township / category, one column per status."""
    append(ws, [what, *[STATUS_NAMES[s] for s in statuses], "合计"])
    for key in sorted(table):
        counts = [table[key].get(s, 0) for s in statuses]
        append(ws, [name(key), *counts, sum(counts)])
