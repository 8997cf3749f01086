"""Deadlines in working days (SPEC: accept in 3, resolve in 30 by default, per category and stage).

Weekends and the holidays in `lifecycle_holiday` are skipped; a holiday row with
`workday` set is a weekend day that is worked (调休). Settings per category and
stage live in `lifecycle_deadline` (category "*" is every category's default).

    stage     starts when                     due field
    accept    filed (received)                Case.accept_due
    resolve   accepted, or reopened           Case.resolve_due
    escalate  督办: extra days after escalation before the second overdue step
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from storage.models.lifecycle import DeadlineSetting, Holiday

if TYPE_CHECKING:
    from bot.services import Services

TZ = ZoneInfo("Asia/Shanghai")
DEFAULT_DAYS = {"accept": 3, "resolve": 30, "escalate": 5}
STAGES = tuple(DEFAULT_DAYS)


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()  # weekend days worked (调休)

    def is_working(self, d: date) -> bool:
        if d in self.workdays:
            return True
        return d.weekday() < 5 and d not in self.holidays

    def add(self, start: date, n: int) -> date:
        """The day `n` working days after `start` (start itself not counted)."""
        d = start
        while n > 0:
            d += timedelta(days=1)
            if self.is_working(d):
                n -= 1
        return d

    def next_working(self, d: date) -> date:
        return self.add(d, 1)

    def previous_working(self, d: date) -> date:
        d -= timedelta(days=1)
        while not self.is_working(d):
            d -= timedelta(days=1)
        return d


async def calendar(conn: Any = None) -> Calendar:
    rows = await Holiday.all().using_db(conn) if conn is not None else await Holiday.all()
    return Calendar(frozenset(r.day for r in rows if not r.workday), frozenset(r.day for r in rows if r.workday))


def today(services: "Services") -> date:
    return datetime.fromtimestamp(services.clock(), TZ).date()


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

async def set_deadline(category: str, stage: str, days: int) -> None:
    """Working days for a stage of a category ("*": the default of every category)."""
    if stage not in DEFAULT_DAYS:
        raise ValueError(f"unknown stage {stage!r}; stages are {', '.join(STAGES)}")
    if not 1 <= days <= 365:
        raise ValueError("working days must be between 1 and 365")
    await DeadlineSetting.update_or_create(category=category, stage=stage, defaults={"working_days": days})


async def set_holiday(day: date, name: str = "", *, workday: bool = False) -> None:
    await Holiday.update_or_create(day=day, defaults={"name": name, "workday": workday})


async def remove_holiday(day: date) -> None:
    await Holiday.filter(day=day).delete()


# --- hooks: due dates follow the case --------------------------------------------------------

async def on_filed(case: Any, conn: Any, services: "Services") -> None:
    case.accept_due = await due_date(case.category, "accept", today(services), conn)
    await case.save(update_fields=["accept_due"], using_db=conn)


async def on_transition(case: Any, event: Any, conn: Any, services: "Services") -> None:
    starts_resolve = (event.from_status, event.to_status) in {("received", "accepted"), ("rated", "investigating")}
    if starts_resolve:
        case.resolve_due = await due_date(case.category, "resolve", today(services), conn)
        case.overdue_level = 0  # each stage has its own 督办 steps; history stays in the events
        await case.save(update_fields=["resolve_due", "overdue_level"], using_db=conn)
