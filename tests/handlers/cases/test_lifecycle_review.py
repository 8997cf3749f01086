"""不满意 reopens a case for cross-review: the next commission of the zone in turn, or the county."""
from __future__ import annotations

from handlers.cases import actions
from handlers.cases.queries import public_view, rate
from storage.models import Case, CaseEvent
from tests.handlers.cases.conftest import BEIHE, BEIHE_V, COUNTY, DONGLING, DONGLING_V, NANBA, QINGSHUI, World


async def _resolved(world: World, **kw: object) -> Case:
    case = await world.file(**kw)  # type: ignore[arg-type]
    county = world.staff["county"]
    await actions.accept(case.id, actor_staff=county, services=world.services)
    await actions.resolve(case.id, actor_staff=county, result="经核查情况属实,已整改", services=world.services)
    return case


async def _unsatisfied(world: World, case: Case) -> Case:
    await rate(case.id, False, "没有追回钱", "reporter", world.services)
    return await Case.get(id=case.id)


async def test_reviewers_rotate_through_the_other_commissions_of_the_zone(world: World) -> None:
    reviewers = []
    for _ in range(4):
        case = await _resolved(world)  # 南坝 cases: zone z1 = 南坝, 东岭, 北河
        reopened = await _unsatisfied(world, case)
        assert reopened.status == "investigating" and reopened.review_round == 1
        reviewers.append(reopened.office)
    assert reviewers == [DONGLING, BEIHE, DONGLING, BEIHE]
    # A 东岭 case takes the next turn of the same zone, never 东岭 itself.
    dongling_case = await _resolved(world, township=DONGLING, village=DONGLING_V, text="东岭村主任吃拿卡要")
    assert (await _unsatisfied(world, dongling_case)).office == NANBA


async def test_reopening_is_an_event_restarts_the_deadline_and_notifies(world: World) -> None:
    case = await _resolved(world)
    await world.deliver()
    world.fake.state.reset()
    reopened = await _unsatisfied(world, case)
    event = await CaseEvent.get(case_id=case.id, kind="reopened")
    assert event.actor == "system" and event.public and event.from_status == "rated"
    assert event.data["from"] == NANBA and event.data["to"] == reopened.office
    assert reopened.resolve_due is not None and reopened.overdue_level == 0
    view = await public_view(reopened)
    assert view.office.endswith("纪委") and any("复查" in e.text for e in view.events)
    await world.deliver()
    reviewer = {DONGLING: "dongling", BEIHE: "beihe"}[reopened.office]
    assert any("不满意" in t for t in world.texts_to(reviewer))
    assert any("重新核查" in str(r.body) for r in world.to_reporter())
    # the reviewer now holds the case, the first office no longer does
    await actions.resolve(case.id, actor_staff=world.staff[reviewer], result="复查属实", services=world.services)


async def test_a_zone_with_no_other_commission_sends_the_review_to_the_county(world: World) -> None:
    case = await _resolved(world, township=QINGSHUI, village="610798201201", text="清水社区主任优亲厚友")
    assert (await _unsatisfied(world, case)).office == COUNTY


async def test_a_second_unsatisfied_rating_skips_every_office_that_handled_it(world: World) -> None:
    case = await _resolved(world)
    first = (await _unsatisfied(world, case)).office
    await actions.resolve(case.id, actor_staff=world.staff["county"], result="复查完毕", services=world.services)
    second = await _unsatisfied(world, case)
    assert second.review_round == 2 and second.office not in (NANBA, first) and second.office in (DONGLING, BEIHE)
    await actions.resolve(case.id, actor_staff=world.staff["county"], result="再次复查", services=world.services)
    third = await _unsatisfied(world, case)
    assert third.office == COUNTY, "every commission of the zone has handled it: the county reviews"


async def test_a_satisfied_rating_closes_the_case(world: World) -> None:
    case = await _resolved(world, township=BEIHE, village=BEIHE_V, text="北河村会计截留补贴")
    await rate(case.id, True, "", "reporter", world.services)
    fresh = await Case.get(id=case.id)
    assert fresh.status == "rated" and fresh.office == BEIHE and fresh.review_round == 0
