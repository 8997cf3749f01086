"""Deadlines in working days (weekends, holidays, 调休), extensions, and the sweep: reminder, 督办, second step."""
from __future__ import annotations

from datetime import date

import pytest

from handlers.cases import actions
from handlers.cases.deadlines import Calendar, set_deadline, set_holiday
from handlers.cases.escalation import SweepResult, overdue_counts, sweep
from handlers.cases.notify import staff_text, summary
from handlers.cases.queries import public_view
from storage.models import Case, CaseEvent, OutboxMessage
from tests.handlers.cases.conftest import World

MON, WED, THU, FRI, SAT = date(2026, 11, 23), date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 28)


async def sweep_on(world: World, day: date) -> SweepResult:
    """The hourly sweep as it runs on `day` (the clock says so too: notices are dated by it)."""
    world.clock.set(day)
    return await sweep(world.services)


def test_working_days_skip_weekends_holidays_and_count_worked_weekends() -> None:
    plain = Calendar()
    assert plain.add(FRI, 1) == date(2026, 11, 30)  # Friday + 1 → Monday
    assert plain.add(FRI, 3) == date(2026, 12, 2)
    assert plain.add(SAT, 1) == date(2026, 11, 30)
    holidays = Calendar(holidays=frozenset({date(2026, 11, 30), date(2026, 12, 1)}))
    assert holidays.add(FRI, 3) == date(2026, 12, 4)
    swapped = Calendar(holidays=frozenset({date(2026, 11, 30)}), workdays=frozenset({SAT}))  # 调休: Saturday worked
    assert swapped.add(FRI, 1) == SAT and swapped.add(FRI, 2) == date(2026, 12, 1)
    assert plain.previous_working(date(2026, 11, 30)) == FRI


async def test_filing_on_friday_before_a_holiday_gets_the_accept_deadline_after_it(world: World) -> None:
    await set_holiday(date(2026, 11, 30), "测试假日")
    world.clock.set(FRI)
    case = await world.file()
    assert case.accept_due == date(2026, 12, 3)  # Mon is a holiday: Tue, Wed, Thu


async def test_deadlines_per_category_and_stage(world: World) -> None:
    await set_deadline("favoritism", "accept", 5)
    await set_deadline("*", "resolve", 10)
    fav = await world.file(category="favoritism", text="村主任把低保名额给了亲戚")
    sub = await world.file()
    assert fav.accept_due == date(2026, 11, 30) and sub.accept_due == THU
    accepted = await actions.accept(sub.id, actor_staff=world.staff["nanba"], services=world.services)
    assert accepted.resolve_due == date(2026, 12, 7)
    with pytest.raises(ValueError):
        await set_deadline("*", "someday", 3)


async def test_an_extension_needs_a_reason_moves_the_deadline_and_the_reporter_sees_it(world: World) -> None:
    case = await world.file()
    s, sv = world.staff["nanba"], world.services
    await actions.accept(case.id, actor_staff=s, services=sv)
    due = (await Case.get(id=case.id)).resolve_due
    with pytest.raises(actions.BadInput, match="原因"):
        await actions.extend(case.id, actor_staff=s, reason="", days=5, services=sv)
    with pytest.raises(actions.BadInput, match="天数"):
        await actions.extend(case.id, actor_staff=s, reason="需调取银行流水", days=0, services=sv)
    await world.deliver()
    world.fake.state.reset()
    done = await actions.extend(case.id, actor_staff=s, reason="需调取银行流水", days=5, services=sv)
    assert done.resolve_due == Calendar().add(due, 5)
    view = await public_view(done)
    assert view.deadline == done.resolve_due
    assert any("办理期限已延长" in e.text and "需调取银行流水" in e.text for e in view.events)
    await world.deliver()
    [note] = world.to_reporter()
    assert "办理期限已延长" in str(note.body)


async def test_sweep_reminds_the_day_before_then_escalates_then_counts_the_second_step(world: World) -> None:
    sv = world.services
    case = await world.file()  # Monday: accept by Thursday
    assert case.accept_due == THU
    await world.deliver()
    world.fake.state.reset()

    r = await sweep_on(world, date(2026, 11, 24))
    assert (r.reminded, r.escalated) == (0, 0)
    r = await sweep_on(world, WED)
    assert r.reminded == 1 and r.escalated == 0
    assert (await sweep_on(world, WED)).reminded == 0, "a second sweep the same day repeats nothing"
    await world.deliver()
    assert len(world.sent_to("nanba")) == 1 and "即将到期" in world.texts_to("nanba")[0]
    assert world.sent_to("county") == [], "a reminder goes to the office only"

    assert (await sweep_on(world, THU)).escalated == 0, "due today is not overdue yet"
    r = await sweep_on(world, FRI)
    assert r.escalated == 1
    fresh = await Case.get(id=case.id)
    assert fresh.overdue_level == 1 and fresh.accept_due == date(2026, 12, 4)  # 督办: 5 more working days
    event = await CaseEvent.get(case_id=case.id, kind="escalated")
    assert event.public and event.actor == "system"
    await world.deliver()
    for who in ("nanba", "county"):
        assert any("逾期督办" in t for t in world.texts_to(who)), who
    assert len(world.to_reporter()) == 1 and "督办" in str(world.to_reporter()[0].body)
    # The SQL-built summary is the one notify.py writes.
    number, category, place, due = summary(fresh, await sv.registry())
    written = [m.payload["text"] for m in await OutboxMessage.filter(case_id=case.id, kind="wecom_app")]
    assert staff_text("逾期督办(已报县纪委监委)", number, category, place, due) in written
    # and the county (bound in WeCom) reads those essentials on its card
    assert f"逾期督办(已报县纪委监委)\n案件编号:{number}\n类别:{category}\n地点:{place}\n办理期限:{due}" \
        in world.texts_to("county")

    assert (await sweep_on(world, date(2026, 12, 4))).overdue2 == 0
    r = await sweep_on(world, date(2026, 12, 7))
    assert r.overdue2 == 1 and (await Case.get(id=case.id)).overdue_level == 2
    assert await overdue_counts(2026, 11) == {"escalated": 1, "overdue_again": 0, "reminded": 1}
    assert await overdue_counts(2026, 12) == {"escalated": 0, "overdue_again": 1, "reminded": 0}


async def test_weekend_due_dates_are_reminded_on_the_last_working_day_before(world: World) -> None:
    world.clock.set(date(2026, 11, 25))  # Wednesday: accept by Monday 11-30
    case = await world.file()
    assert case.accept_due == date(2026, 11, 30)
    assert (await sweep_on(world, THU)).reminded == 0
    assert (await sweep_on(world, FRI)).reminded == 1
    assert (await sweep_on(world, SAT)).reminded == 0


async def test_accepted_in_time_is_not_escalated_and_the_resolve_stage_has_its_own_deadline(world: World) -> None:
    case = await world.file()
    await actions.accept(case.id, actor_staff=world.staff["nanba"], services=world.services)
    assert (await sweep_on(world, date(2026, 12, 1))).escalated == 0
    fresh = await Case.get(id=case.id)
    r = await sweep_on(world, Calendar().add(fresh.resolve_due, 1))
    assert r.escalated == 1 and (await Case.get(id=case.id)).overdue_level == 1


async def test_closed_and_anonymous_cases(world: World) -> None:
    closed = await world.file()
    await actions.reject(closed.id, actor_staff=world.staff["nanba"], reason="重复", services=world.services)
    anon = await world.file(anonymous=True, text="胡家庄村会计截留危房改造补助")
    await world.deliver()
    world.fake.state.reset()
    r = await sweep_on(world, FRI)
    assert r.escalated == 1  # only the open one
    assert (await Case.get(id=anon.id)).overdue_level == 1
    await world.deliver()
    assert world.to_reporter() == [], "anonymous reporters are never pushed"
