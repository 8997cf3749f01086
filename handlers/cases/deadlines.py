"""Deadlines in working days (SPEC: accept in 3, resolve in 30 by default, per category and stage).

Weekends, China's holidays and the local overrides are skipped, 调休 weekends are worked
(handlers.cases.workcalendar). Settings per category and stage live in `lifecycle_deadline`
(category "*" is every category's default).

    stage     starts when                     due field
    accept    filed (received)                Case.accept_due
    resolve   accepted, or reopened           Case.resolve_due
    escalate  督办: extra days after escalation before the second overdue step
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from handlers.cases.workcalendar import Calendar, calendar, reschedule_open_cases
from storage.china_time import today as china_today
from storage.models.lifecycle import DeadlineSetting, Holiday

if TYPE_CHECKING:
    from bot.services import Services

DEFAULT_DAYS = {"accept": 3, "resolve": 30, "escalate": 5}
STAGES = tuple(DEFAULT_DAYS)
STAGE_NAMES = {"accept": "受理", "resolve": "办结", "escalate": "督办后再限"}

__all__ = ["Calendar", "calendar", "due_date", "set_deadline", "set_holiday", "remove_holiday", "working_days"]


async def working_days(category: str, stage: str, conn: Any = None) -> int:
    if stage not in DEFAULT_DAYS:
        raise ValueError(f"unknown stage {stage!r}; stages are {', '.join(STAGES)}")
    q = DeadlineSetting.filter(stage=stage, category__in=[category, "*"])
    rows = await (q.using_db(conn) if conn is not None else q)
    by_cat = {r.category: r.working_days for r in rows}
    return by_cat.get(category, by_cat.get("*", DEFAULT_DAYS[stage]))


async def due_date(category: str, stage: str, start: date, conn: Any = None) -> date:
    cal = await calendar(conn)
    return cal.add(start, await working_days(category, stage, conn))


# --- settings the admin panel and the CLI change ---------------------------------------------

async def set_deadline(category: str, stage: str, days: int, *, actor: str = "cli") -> int:
    """Working days for a stage of a category ("*": the default of every category); returns the days before.
    Cases already filed keep their due dates (they were told them); the change is audited with both values."""
    from storage import audit

    if stage not in DEFAULT_DAYS:
        raise ValueError(f"unknown stage {stage!r}; stages are {', '.join(STAGES)}")
    if not 1 <= days <= 365:
        raise ValueError("working days must be between 1 and 365")
    before = await working_days(category, stage)
    await DeadlineSetting.update_or_create(category=category, stage=stage, defaults={"working_days": days})
    if before != days:
        await audit.append(actor[:64], "deadline.set", f"{category}:{stage}", {"working_days": days, "previous_days": before})
    return before


async def set_holiday(day: date, name: str = "", *, workday: bool = False, actor: str = "cli",
                      today: date | None = None) -> int:
    """A local override (rest day, or with `workday` a working day); returns the open cases rescheduled."""
    before = await calendar()
    await Holiday.update_or_create(day=day, defaults={"name": name[:64], "workday": workday})
    return await _after_change(before, day, "上班" if workday else "休息", actor, today)


async def remove_holiday(day: date, *, actor: str = "cli", today: date | None = None) -> int:
    """Drop a local override: the national calendar decides the day again."""
    before = await calendar()
    await Holiday.filter(day=day).delete()
    return await _after_change(before, day, "恢复国家安排", actor, today)


async def _after_change(before: Calendar, day: date, what: str, actor: str, today: date | None) -> int:
    from storage import audit

    after = await calendar()
    moved = 0
    if before.is_working(day) != after.is_working(day):
        moved = await reschedule_open_cases(before, after, today or china_today(),
                                            reason=f"节假日调整:{day.isoformat()} {what}")
    await audit.append(actor[:64], "calendar.change", f"day:{day.isoformat()}", {"what": what, "rescheduled": moved})
    return moved


# --- hooks: due dates follow the case --------------------------------------------------------

async def on_filed(case: Any, conn: Any, services: "Services") -> None:
    case.accept_due = await due_date(case.category, "accept", china_today(services.clock), conn)
    await case.save(update_fields=["accept_due"], using_db=conn)


async def on_transition(case: Any, event: Any, conn: Any, services: "Services") -> None:
    starts_resolve = (event.from_status, event.to_status) in {("received", "accepted"), ("rated", "investigating")}
    if starts_resolve:
        case.resolve_due = await due_date(case.category, "resolve", china_today(services.clock), conn)
        case.overdue_level = 0  # each stage has its own 督办 steps; history stays in the events
        await case.save(update_fields=["resolve_due", "overdue_level"], using_db=conn)
