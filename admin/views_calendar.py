"""Working-day calendar and deadlines (county admin).

    GET  /calendar?year=YYYY    China's holidays and 调休 days of the year, the local overrides, the
                                working days allowed per category and stage
    POST /calendar/day          add or change a local override (rest day or working day)
    POST /calendar/day/remove   drop an override (the national calendar decides again)
    POST /calendar/deadlines    working days of one category and stage ("*": every category's default)

A change of the calendar moves the due dates of open cases it affects (handlers.cases.deadlines).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web

from admin import scope
from admin.web import render, services_of, staff_of
from handlers.cases.deadlines import DEFAULT_DAYS, STAGE_NAMES, STAGES, remove_holiday, set_deadline, set_holiday
from handlers.cases.workcalendar import special_days
from storage.china_time import today
from storage.models.lifecycle import DeadlineSetting

routes = web.RouteTableDef()


async def _page(request: web.Request, year: int, **ctx: Any) -> web.Response:
    from nlp import CATEGORY_NAMES

    stored = {(r.category, r.stage): r.working_days for r in await DeadlineSetting.all()}
    defaults = {st: stored.get(("*", st), DEFAULT_DAYS[st]) for st in STAGES}
    rows = [{"id": "*", "name": "全部类别(默认)", "days": defaults,
             "own": {st: ("*", st) in stored for st in STAGES}}]
    rows += [{"id": c, "name": n, "days": {st: stored.get((c, st), defaults[st]) for st in STAGES},
              "own": {st: (c, st) in stored for st in STAGES}} for c, n in CATEGORY_NAMES.items()]
    base: dict[str, Any] = {"year": year, "days": await special_days(year), "deadlines": rows,
                            "stages": [(st, STAGE_NAMES[st]) for st in STAGES], "error": "", "done": ""}
    base.update(ctx)
    return render(request, "calendar.html", base, status=400 if base["error"] else 200)


def _year(raw: str, fallback: int) -> int:
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else fallback


@routes.get("/calendar")
async def calendar_page(request: web.Request) -> web.Response:
    scope.require(staff_of(request), scope.ADMIN_ROLES)
    this_year = today(services_of(request).clock).year
    return await _page(request, _year(request.query.get("year", ""), this_year))


def _parse_day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


@routes.post("/calendar/day")
async def add_day(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.ADMIN_ROLES)
    form = await request.post()
    services = services_of(request)
    day = _parse_day(str(form.get("day", "")))
    kind = str(form.get("kind", ""))
    if day is None or kind not in ("rest", "work"):
        year = today(services.clock).year
        return await _page(request, year, error="请填写日期(如 2027-02-10)并选择「休息」或「上班」。")
    name = str(form.get("name", "")).strip()[:64]
    moved = await set_holiday(day, name, workday=kind == "work", actor=f"staff:{staff.id}", today=today(services.clock))
    label = "上班" if kind == "work" else "休息"
    return await _page(request, day.year, done=f"已将 {day.isoformat()} 设为{label}日,{moved} 件在办案件的期限已重新计算。")


@routes.post("/calendar/day/remove")
async def drop_day(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.ADMIN_ROLES)
    services = services_of(request)
    day = _parse_day(str((await request.post()).get("day", "")))
    if day is None:
        return await _page(request, today(services.clock).year, error="日期无效。")
    moved = await remove_holiday(day, actor=f"staff:{staff.id}", today=today(services.clock))
    return await _page(request, day.year,
                       done=f"已取消 {day.isoformat()} 的本地调整,{moved} 件在办案件的期限已重新计算。")


@routes.post("/calendar/deadlines")
async def save_deadline(request: web.Request) -> web.Response:
    from nlp import CATEGORY_NAMES

    staff = staff_of(request)
    scope.require(staff, scope.ADMIN_ROLES)
    form = await request.post()
    year = today(services_of(request).clock).year
    category, stage, raw = str(form.get("category", "")), str(form.get("stage", "")), str(form.get("days", ""))
    if category != "*" and category not in CATEGORY_NAMES or stage not in STAGES:
        return await _page(request, year, error="未知的类别或环节。")
    if not raw.strip().isdigit() or not 1 <= int(raw) <= 365:
        return await _page(request, year, error="工作日数应为 1 到 365 之间的整数。")
    before = await set_deadline(category, stage, int(raw), actor=f"staff:{staff.id}")
    name = "全部类别" if category == "*" else CATEGORY_NAMES[category]
    return await _page(request, year, done=f"{name}「{STAGE_NAMES[stage]}」期限由 {before} 个工作日改为 {int(raw)} 个工作日"
                                            "(新案件起适用,已登记的案件期限不变)。")
