"""China's working-day calendar: 春节 and 国庆 (with their 调休 Saturdays), local overrides, rescheduling, the CLI."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from handlers.cases.deadlines import remove_holiday, set_holiday
from handlers.cases.escalation import sweep
from handlers.cases.workcalendar import Calendar, national_year
from storage.models import Case, CaseEvent
from tests.handlers.cases.conftest import World
from tests.processes import cli


async def _sweeps_until(world: World, first: date, last: date) -> list[date]:
    """Sweep every day from `first` to `last`; the days on which the case was escalated (督办)."""
    escalated, d = [], first
    while d <= last:
        world.clock.set(d)
        if (await sweep(world.services)).escalated:
            escalated.append(d)
        d += timedelta(days=1)
    return escalated


def test_the_package_gives_the_make_up_working_days() -> None:
    y2026 = national_year(2026)
    assert {date(2026, 2, 14), date(2026, 2, 28), date(2026, 9, 20), date(2026, 10, 10)} <= y2026.worked
    assert "春节" in y2026.rest[date(2026, 2, 17)] and "国庆节" in y2026.rest[date(2026, 10, 1)]
    cal = Calendar(national=True)
    assert cal.is_working(date(2026, 10, 10)) and not cal.is_working(date(2026, 10, 7))


async def test_acceptance_deadline_does_not_run_out_during_spring_festival(world: World) -> None:
    world.clock.set(date(2026, 2, 13))  # Friday before 春节 (2-15 … 2-23 off, Saturday 2-14 worked)
    case = await world.file()
    assert case.accept_due == date(2026, 2, 25)  # 2-14 (调休), 2-24, 2-25
    assert await _sweeps_until(world, date(2026, 2, 14), date(2026, 2, 25)) == []
    assert await _sweeps_until(world, date(2026, 2, 26), date(2026, 2, 26)) == [date(2026, 2, 26)]


async def test_acceptance_deadline_does_not_run_out_during_national_day(world: World) -> None:
    world.clock.set(date(2026, 9, 30))  # 10-1 … 10-7 off, Saturday 10-10 worked
    case = await world.file()
    assert case.accept_due == date(2026, 10, 10)
    assert await _sweeps_until(world, date(2026, 10, 1), date(2026, 10, 10)) == []
    assert (await Case.get(id=case.id)).overdue_level == 0


async def test_due_date_set_before_a_holiday_was_added_is_recomputed(world: World) -> None:
    monday = date(2026, 11, 23)
    case = await world.file()  # the clock says Monday: accept by Thursday 11-26
    assert case.accept_due == date(2026, 11, 26)
    moved = await set_holiday(date(2026, 11, 25), "县里放假", today=monday)
    assert moved == 1 and (await Case.get(id=case.id)).accept_due == date(2026, 11, 27)
    event = await CaseEvent.get(case_id=case.id, kind="rescheduled")
    assert event.actor == "system" and "2026-11-25" in event.reason and not event.public
    assert event.data == {"stage": "accept", "from": "2026-11-26", "to": "2026-11-27"}
    assert await set_holiday(date(2026, 12, 31), "与本案无关", today=monday) == 0  # after the due date
    assert await remove_holiday(date(2026, 11, 25), today=monday) == 1
    assert (await Case.get(id=case.id)).accept_due == date(2026, 11, 26)
    # A local working day on a national day off wins over the national calendar.
    await set_holiday(date(2026, 10, 7), "本地上班", workday=True, today=monday)
    world.clock.set(date(2026, 9, 30))
    assert (await world.file()).accept_due == date(2026, 10, 9)


def test_deadlines_due_prints_the_iso_date_with_overrides_on_top(tmp_path: Path) -> None:
    assert cli(tmp_path, "migrate").returncode == 0
    due = cli(tmp_path, "deadlines", "due", "--from", "2026-09-30", "--days", "3")
    assert due.returncode == 0 and due.stdout == "2026-10-10\n"
    assert cli(tmp_path, "deadlines", "due", "--from", "2026-02-13", "--days", "1").stdout == "2026-02-14\n"
    assert cli(tmp_path, "deadlines", "holiday", "2026-10-09", "县庆").returncode == 0
    assert cli(tmp_path, "deadlines", "due", "--from", "2026-09-30", "--days", "3").stdout == "2026-10-12\n"
    bad = cli(tmp_path, "deadlines", "due", "--from", "2026-02-30", "--days", "3")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr and bad.stdout == ""
    assert cli(tmp_path, "deadlines", "due", "--from", "2026-02-13", "--days", "three").returncode == 2
