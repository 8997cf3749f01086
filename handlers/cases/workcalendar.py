"""The working-day calendar: China's public holidays and 调休 working days, local overrides on top.

    national   the `holidays` package (holidays.China): statutory days, the State Council's extra
               days off, and the weekend days worked in exchange (`weekend_workdays`, 调休). The
               package carries each year's official notice from 2001 to its release (2026 in
               holidays 0.109); later years have the statutory days only (no 调休) until the
               package is upgraded or an admin adds them as overrides.
    overrides  rows of `lifecycle_holiday` (panel page 节假日与办理期限, `qingfeng deadlines holiday`):
               workday=False makes a day a rest day, workday=True a working day; a row wins
               over the national calendar for its day.

A change of the overrides moves the due dates of open cases whose remaining working days
it changes (`reschedule_open_cases`): each keeps its count of working days left from today.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays as holidays_pkg

from storage.models.lifecycle import Holiday


@dataclass(frozen=True)
class NationalYear:
    rest: dict[date, str]  # weekday holidays and days off, with their names
    worked: frozenset[date]  # weekend days worked (调休)


@lru_cache(maxsize=64)
def national_year(year: int) -> NationalYear:
    cn = holidays_pkg.China(years=year, language="zh_CN")
    rest = {d: str(name) for d, name in cn.items() if d.year == year}
    return NationalYear(rest, frozenset(d for d in cn.weekend_workdays if d.year == year))


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date] = frozenset()  # local overrides: rest days
    workdays: frozenset[date] = frozenset()  # local overrides: working days (调休, a cancelled holiday)
    national: bool = False  # China's calendar under the overrides

    def is_working(self, d: date) -> bool:
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        if self.national:
            year = national_year(d.year)
            if d in year.worked:
                return True
            if d in year.rest:
                return False
        return d.weekday() < 5

    def add(self, start: date, n: int) -> date:
        """The day `n` working days after `start` (start itself not counted)."""
        d = start
        while n > 0:
            d += timedelta(days=1)
            if self.is_working(d):
                n -= 1
        return d

    def count(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        n, d = 0, start
        while d < end:
            d += timedelta(days=1)
            n += self.is_working(d)
        return n

    def next_working(self, d: date) -> date:
        return self.add(d, 1)

    def previous_working(self, d: date) -> date:
        d -= timedelta(days=1)
        while not self.is_working(d):
            d -= timedelta(days=1)
        return d


async def calendar(conn: Any = None) -> Calendar:
    """The calendar in force: national days with the stored overrides on top."""
    rows = await (Holiday.all().using_db(conn) if conn is not None else Holiday.all())
    return Calendar(frozenset(r.day for r in rows if not r.workday), frozenset(r.day for r in rows if r.workday),
                    national=True)


@dataclass(frozen=True)
class Day:
    day: date
    working: bool
    name: str
    source: str  # national | local | weekend


async def special_days(year: int) -> list[Day]:
    """The days of `year` that differ from a plain Monday-to-Friday week, and every override."""
    cal = await calendar()
    nat = national_year(year)
    overrides = {r.day: r for r in await Holiday.filter(day__gte=date(year, 1, 1), day__lte=date(year, 12, 31))}
    days: dict[date, Day] = {}
    for d, name in nat.rest.items():
        days[d] = Day(d, False, name, "national")
    for d in nat.worked:
        days[d] = Day(d, True, "调休上班", "national")
    for d, row in overrides.items():
        days[d] = Day(d, cal.is_working(d), row.name or ("上班" if row.workday else "休息"), "local")
    return sorted(days.values(), key=lambda x: x.day)


async def reschedule_open_cases(before: Calendar, after: Calendar, today: date, *, reason: str) -> int:
    """Move the due dates of open cases so each keeps its working days left; returns how many moved."""
    from handlers.cases.transitions import record
    from storage.models import OPEN_STATUSES, Case, Status

    moved = 0
    for case in await Case.filter(status__in=OPEN_STATUSES).only("id", "status", "accept_due", "resolve_due"):
        field = "accept_due" if case.status == Status.RECEIVED else "resolve_due"
        old = getattr(case, field)
        if old is None or old < today:
            continue  # an overdue case stays overdue: 督办 already ran on the old date
        new = after.add(today, before.count(today, old))
        if new != old:
            await record(case.id, "rescheduled", actor="system", reason=reason, updates={field: new},
                         data={"stage": field[:-4], "from": old.isoformat(), "to": new.isoformat()})
            moved += 1
    return moved
