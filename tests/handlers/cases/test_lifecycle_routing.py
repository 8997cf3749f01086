"""Routing through filing (every SPEC rule, its reason stored), reassignment, re-categorising, triage."""
from __future__ import annotations

import pytest

from handlers.cases import actions
from handlers.cases.routing import triage_queue
from storage import audit
from storage.models import AuditEntry, Case, CaseEvent
from tests.handlers.cases.conftest import COUNTY, DONGLING, HUJIA, NANBA, SHIQIAO_ELEVATED, World


async def _routed(case: Case) -> CaseEvent:
    return await CaseEvent.get(case_id=case.id, kind="routed")


@pytest.mark.parametrize("kw, office, rule", [
    (dict(category="other", text="我家自来水停了三天"), "", 1),
    (dict(level="township", text="南坝镇副镇长收了好处费"), COUNTY, 2),
    (dict(level="county", text="县民政局的人克扣补助"), COUNTY, 2),
    (dict(village=SHIQIAO_ELEVATED, text="石桥村书记虚报低保"), COUNTY, 3),
    (dict(level="village"), NANBA, 4),
    (dict(level="unknown"), NANBA, 4),
    (dict(township="", village="", text="我们村会计克扣补贴"), COUNTY, 5),
    (dict(exclude=True), COUNTY, 6),
])
async def test_every_routing_rule_through_filing(world: World, kw: dict, office: str, rule: int) -> None:
    case = await world.file(**kw)
    routed = await _routed(case)
    assert case.office == office and case.route_to == office
    assert routed.data["rule"] == rule and routed.reason and case.route_reason == routed.reason
    await world.deliver()
    if rule == 1:  # `other`: kept for statistics, no office notified, no deadline
        assert case.status == "not_accepted" and case.accept_due is None and world.fake.records == []
    else:
        assert case.status == "received" and case.accept_due is not None
        receiver = {COUNTY: "county", NANBA: "nanba"}[office]
        assert len(world.sent_to(receiver)) == 1, "the receiving office is told once"
        other = "nanba" if receiver == "county" else "county"
        assert world.sent_to(other) == [], "no one else is told"


async def test_monitor_of_the_village_gets_the_tip(world: World) -> None:
    case = await world.file()
    await world.deliver()
    [tip] = world.texts_to("monitor")
    assert case.number in tip and "胡家庄村" in tip


async def test_place_unknown_goes_to_the_triage_queue_until_someone_places_it(world: World) -> None:
    lost = await world.file(township="", village="", text="我们村会计克扣补贴")
    placed = await world.file()
    assert [c.id for c in await triage_queue(await world.services.registry())] == [lost.id]
    await actions.reassign(lost.id, actor_staff=world.staff["county"], office_code=DONGLING,
                           reason="回访反映人,确认是东岭镇", services=world.services)
    assert await triage_queue(await world.services.registry()) == []
    assert placed.office == NANBA


async def test_reassignment_is_audited_notifies_both_offices_and_moves_the_scope(world: World) -> None:
    case = await world.file()
    await world.deliver()
    world.fake.state.reset()
    await actions.reassign(case.id, actor_staff=world.staff["county"], office_code=DONGLING,
                           reason="被反映人是南坝镇纪委书记的亲戚", services=world.services)
    await world.deliver()
    assert "转来案件" in world.texts_to("dongling")[0]
    assert "已转出" in world.texts_to("nanba")[0]
    moved = await Case.get(id=case.id)
    assert moved.office == DONGLING and moved.route_to == NANBA  # the first decision is kept
    event = await CaseEvent.get(case_id=case.id, kind="reassigned")
    assert event.actor == f"staff:{world.staff['county'].id}"
    assert event.data == {"from": NANBA, "to": DONGLING, "reason": "被反映人是南坝镇纪委书记的亲戚"}
    entry = await AuditEntry.get(action="case.reassign")
    assert entry.target == case.number and entry.detail["to"] == DONGLING
    # 南坝 lost the case: its staff may no longer act on it; 东岭 may.
    with pytest.raises(actions.NotInScope):
        await actions.accept(case.id, actor_staff=world.staff["nanba"], services=world.services)
    await actions.accept(case.id, actor_staff=world.staff["dongling"], services=world.services)


async def test_reassign_refuses_unknown_office_same_office_and_closed_cases(world: World) -> None:
    case = await world.file()
    county = world.staff["county"]
    with pytest.raises(actions.BadInput, match="没有代码"):
        await actions.reassign(case.id, actor_staff=county, office_code="999", reason="x", services=world.services)
    with pytest.raises(actions.BadInput, match="已由"):
        await actions.reassign(case.id, actor_staff=county, office_code=NANBA, reason="x", services=world.services)
    with pytest.raises(actions.BadInput, match="原因"):
        await actions.reassign(case.id, actor_staff=county, office_code=DONGLING, reason=" ", services=world.services)
    await actions.reject(case.id, actor_staff=county, reason="重复反映", services=world.services)
    with pytest.raises(actions.WrongStatus):
        await actions.reassign(case.id, actor_staff=county, office_code=DONGLING, reason="x", services=world.services)


async def test_recategorising_reroutes_unless_moved_by_hand(world: World) -> None:
    case = await world.file(level="village")
    await actions.recategorise(case.id, actor_staff=world.staff["nanba"], category="favoritism",
                               reason="实为低保评定优亲厚友", services=world.services)
    fresh = await Case.get(id=case.id)
    assert fresh.category == "favoritism" and fresh.office == NANBA
    ev = await CaseEvent.get(case_id=case.id, kind="recategorised")
    assert ev.data["from"] == "subsidy_fraud" and ev.reason == "实为低保评定优亲厚友" and not ev.public
    await world.deliver()
    assert any("类别已更正" in t for t in world.texts_to("nanba"))
    with pytest.raises(actions.BadInput, match="其他"):
        await actions.recategorise(case.id, actor_staff=world.staff["nanba"], category="other", reason="x",
                                   services=world.services)
    with pytest.raises(actions.BadInput, match="没有类别"):
        await actions.recategorise(case.id, actor_staff=world.staff["nanba"], category="nonsense", reason="x",
                                   services=world.services)


async def test_recategorising_an_excluded_township_report_keeps_it_at_the_county(world: World) -> None:
    case = await world.file(exclude=True)
    await actions.recategorise(case.id, actor_staff=world.staff["county"], category="collective_assets",
                               reason="是集体资金问题", services=world.services)
    assert (await Case.get(id=case.id)).office == COUNTY


async def test_village_of_monitor_scope(world: World) -> None:
    case = await world.file()
    assert case.village_id == HUJIA


async def test_deleting_the_audit_entry_of_the_newest_reassignment_is_detected(world: World) -> None:
    """An entry written inside the action's own transaction is anchored once that commits, not only by
    the next append: an insider who deletes exactly the last reassignment's entry is caught."""
    case = await world.file()
    await actions.reassign(case.id, actor_staff=world.staff["county"], office_code=DONGLING,
                           reason="被反映人是南坝镇纪委书记的亲戚", services=world.services)
    newest = await AuditEntry.all().order_by("-id").first()
    assert newest is not None and newest.action == "case.reassign"
    assert (await audit.verify()).ok
    await AuditEntry.filter(id=newest.id).delete()
    result = await audit.verify()
    assert not result.ok and result.first_bad_id == newest.id
