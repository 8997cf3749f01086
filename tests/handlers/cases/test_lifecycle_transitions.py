"""Every legal and every illegal status change; the staff actions; events say who, when and why."""
from __future__ import annotations

from itertools import product

import pytest

from handlers.cases import actions
from handlers.cases.transitions import LEGAL, NEEDS_REASON, IllegalTransition, transition
from storage.models import Case, CaseEvent, Status
from tests.handlers.cases.conftest import World

ALL = list(Status)
PAIRS = list(product(ALL, ALL))


async def _case_in(world: World, status: Status) -> Case:
    case = await world.file(category="other" if status == Status.NOT_ACCEPTED else "subsidy_fraud")
    # Set the status directly: this test is about the table, not about how a case got there.
    await Case.filter(id=case.id).update(status=status, rating="satisfied" if status == Status.RATED else None)
    return await Case.get(id=case.id)


@pytest.mark.parametrize("current, target", PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
async def test_transition_table(world: World, current: Status, target: Status) -> None:
    case = await _case_in(world, current)
    before = await CaseEvent.filter(case_id=case.id).count()
    reason = "理由" if target in NEEDS_REASON else ""
    if target in LEGAL[current]:
        moved, event = await transition(case.id, target, actor="staff:1", reason=reason, services=world.services)
        assert moved.status == target
        assert (event.actor, event.from_status, event.to_status, event.reason) == ("staff:1", current, target, reason)
        assert event.at is not None
    else:
        with pytest.raises(IllegalTransition):
            await transition(case.id, target, actor="staff:1", reason=reason, services=world.services)
        assert (await Case.get(id=case.id)).status == current
        assert await CaseEvent.filter(case_id=case.id).count() == before, "a refused move leaves no event"


@pytest.mark.parametrize("target", sorted(NEEDS_REASON))
async def test_moves_that_need_a_reason_refuse_without_one(world: World, target: Status) -> None:
    case = await _case_in(world, Status.ACCEPTED if target == Status.RESOLVED else Status.RECEIVED)
    with pytest.raises(IllegalTransition, match="needs a reason"):
        await transition(case.id, target, actor="staff:1", reason="  ", services=world.services)


async def test_a_case_from_filing_to_rating_through_the_actions(world: World) -> None:
    s, sv = world.staff["nanba"], world.services
    case = await world.file()
    await actions.accept(case.id, actor_staff=s, services=sv)
    await actions.start_investigation(case.id, actor_staff=s, services=sv)
    await actions.add_finding(case.id, actor_staff=world.staff["monitor"], text="走访了三户", services=sv)
    await actions.reply_to_reporter(case.id, actor_staff=s, text="已调取发放台账", services=sv)
    done = await actions.resolve(case.id, actor_staff=s, result="追回被扣低保金1200元", services=sv)
    assert done.status == Status.RESOLVED and done.result == "追回被扣低保金1200元"
    from handlers.cases.queries import rate

    await rate(case.id, True, "", "reporter", sv)
    events = await CaseEvent.filter(case_id=case.id).order_by("id")
    assert [e.kind for e in events] == ["filed", "routed", "accepted", "investigating", "finding", "reply",
                                        "resolved", "rated"]
    actor = f"staff:{s.id}"
    assert [e.actor for e in events[2:]] == [actor, actor, f"staff:{world.staff['monitor'].id}", actor, actor,
                                             "reporter"]
    assert not events[4].public and events[5].public, "findings stay internal, replies are for the reporter"


async def test_actions_in_the_wrong_status_say_so(world: World) -> None:
    s, sv = world.staff["nanba"], world.services
    case = await world.file()
    with pytest.raises(actions.WrongStatus, match="待受理.*不能办结"):
        await actions.resolve(case.id, actor_staff=s, result="x", services=sv)
    with pytest.raises(actions.WrongStatus, match="不能开始调查"):
        await actions.start_investigation(case.id, actor_staff=s, services=sv)
    await actions.reject(case.id, actor_staff=s, reason="不属于纪检监察职责", services=sv)
    with pytest.raises(actions.WrongStatus, match="不予受理.*不能受理"):
        await actions.accept(case.id, actor_staff=s, services=sv)
    with pytest.raises(actions.WrongStatus):
        await actions.add_finding(case.id, actor_staff=s, text="x", services=sv)


async def test_refer_needs_a_destination_and_a_reason(world: World) -> None:
    s, sv = world.staff["nanba"], world.services
    case = await world.file()
    with pytest.raises(actions.BadInput, match="去向"):
        await actions.refer(case.id, actor_staff=s, reason="属信访事项", to="", services=sv)
    done = await actions.refer(case.id, actor_staff=s, reason="属信访事项", to="县信访局", services=sv)
    event = await CaseEvent.get(case_id=case.id, kind="referred")
    assert done.status == Status.REFERRED and event.data == {"to": "县信访局"} and event.reason == "属信访事项"


@pytest.mark.parametrize("who, allowed", [("county", True), ("nanba", True), ("dongling", False), ("beihe", False),
                                          ("monitor", False), ("auditor", False)])
async def test_accept_only_within_scope_and_role(world: World, who: str, allowed: bool) -> None:
    case = await world.file()
    if allowed:
        assert (await actions.accept(case.id, actor_staff=world.staff[who], services=world.services)).status == "accepted"
        return
    error = actions.RoleNotAllowed if who in ("monitor", "auditor") else actions.NotInScope
    with pytest.raises(error) as info:
        await actions.accept(case.id, actor_staff=world.staff[who], services=world.services)
    assert info.value.message and (await Case.get(id=case.id)).status == "received"


async def test_monitor_adds_findings_only_for_own_village(world: World) -> None:
    mine = await world.file()
    other = await world.file(township="610798102", village="610798102201", text="东岭村主任优亲厚友")
    m, sv = world.staff["monitor"], world.services
    await actions.add_finding(mine.id, actor_staff=m, text="已走访", services=sv)
    with pytest.raises(actions.NotInScope):
        await actions.add_finding(other.id, actor_staff=m, text="已走访", services=sv)
    await world.deliver()
    assert any("监督员有新反馈" in t for t in world.texts_to("nanba"))
    assert not any("已走访" in t for t in world.texts_to("nanba")), "the finding itself stays in the panel"


async def test_inactive_staff_cannot_act(world: World) -> None:
    case = await world.file()
    s = world.staff["nanba"]
    s.is_active = False
    await s.save()
    with pytest.raises(actions.RoleNotAllowed, match="停用"):
        await actions.accept(case.id, actor_staff=s, services=world.services)
