"""Bulk actions over the filtered case list (issue 18): 受理, 交办监督员, 延期 case by case through the domain, each
audited, each refusal (scope, role, status) named per case; the rest of the batch still done."""
from __future__ import annotations

import re
from typing import Any

from handlers.cases.actions import accept
from storage.models import AuditEntry, Case, CaseEvent, Staff, Status
from storage.models.admin import MonitorAssignment
from tests.admin.conftest import file_case, signed_in

ROW_RE = re.compile(r'<tr class="(ok|refused)"><td>(?:<a [^>]*>)?([^<]+)(?:</a>)?</td>.*?<td>([^<]*)</td></tr>', re.S)


def results(body: str) -> dict[str, tuple[str, str]]:
    return {number: (outcome, why) for outcome, number, why in ROW_RE.findall(body)}


async def _nanba(services: Any, n: int, category: str = "subsidy_fraud") -> list[Case]:
    return [await file_case(services, f"胡家庄村会计扣了低保钱第{i}户", township="610798101", village="610798101201",
                            category=category) for i in range(n)]


async def test_bulk_accept_goes_case_by_case_through_the_domain_and_names_each_refusal(
        accounts: Any, panel_factory: Any, services: Any) -> None:
    fresh = await _nanba(services, 2)
    done_before = (await _nanba(services, 1))[0]
    await accept(done_before.id, actor_staff=await Staff.get(username="nanba_staff"), services=services)
    other_town = await file_case(services, "东岭村主任优亲厚友", township="610798102", village="610798102201")
    clerk = await signed_in(panel_factory, services, "nanba_staff")
    _, page = await clerk.get("/admin/cases")
    assert 'id="bulk-form"' in page and f'name="ids" value="{fresh[0].id}"' in page
    ids = [c.id for c in (*fresh, done_before, other_town)]
    status, body = await clerk.post("/admin/cases/bulk", {"action": "accept", "ids": [str(i) for i in ids]})
    assert status == 200
    got = results(body)
    assert got[fresh[0].number][0] == got[fresh[1].number][0] == "ok"
    assert got[done_before.number][0] == "refused" and "已受理" in got[done_before.number][1]
    assert "不能受理" in got[done_before.number][1]
    assert got[f"#{other_town.id}"] == ("refused", "案件不存在或不在您的管辖范围内")
    assert other_town.number not in body  # an id outside the jurisdiction is not confirmed to exist
    assert "成功 2 件，未办理 2 件" in body
    staff = await Staff.get(username="nanba_staff")
    for c in fresh:  # the domain moved them: a status and an event with who
        assert (await Case.get(id=c.id)).status is Status.ACCEPTED
        assert (await CaseEvent.get(case_id=c.id, kind="accepted")).actor == f"staff:{staff.id}"
    assert (await Case.get(id=other_town.id)).status is Status.RECEIVED
    audited = {e.target: e.detail for e in await AuditEntry.filter(action="case.bulk")}
    assert audited[fresh[0].number] == {"action": "accept", "ok": True}
    assert audited[done_before.number] == {"action": "accept", "ok": False, "refused": "wrong_status"}
    assert str(other_town.id) not in audited and other_town.number not in audited


async def test_bulk_over_every_case_the_filter_finds(accounts: Any, panel_factory: Any, services: Any) -> None:
    meals = await _nanba(services, 3, category="eight_rules")
    subsidy = await _nanba(services, 1)
    clerk = await signed_in(panel_factory, services, "nanba_staff")
    await clerk.get("/admin/cases?category=eight_rules")
    status, body = await clerk.post("/admin/cases/bulk", {"action": "accept", "all_filtered": "1",
                                                          "category": "eight_rules"})
    assert status == 200 and len(results(body)) == 3
    assert {(await Case.get(id=c.id)).status for c in meals} == {Status.ACCEPTED}
    assert (await Case.get(id=subsidy[0].id)).status is Status.RECEIVED


async def test_bulk_assign_refuses_a_case_the_county_handles(accounts: Any, panel_factory: Any,
                                                             services: Any) -> None:
    own = (await _nanba(services, 1))[0]
    from handlers.cases.filing import ReportDraft, file_report

    avoided = (await file_report(ReportDraft(channel="mp", text="南坝镇副镇长收了胡家庄村低保户的好处费",
                                             category="bribery_extortion", township="610798101",
                                             village="610798101201", level="township"), services)).case
    assert avoided.office == "610798"
    county = await signed_in(panel_factory, services, "county_staff")
    monitor = await Staff.get(username="hujia_monitor")
    await county.get("/admin/cases")
    status, body = await county.post("/admin/cases/bulk", {"action": "assign_monitor", "monitor": str(monitor.id),
                                                           "ids": [str(own.id), str(avoided.id)]})
    got = results(body)
    assert got[own.number][0] == "ok"
    assert got[avoided.number][0] == "refused" and "由县纪委监委办理" in got[avoided.number][1]
    assert [a.case_id for a in await MonitorAssignment.all()] == [own.id]
    assert await CaseEvent.exists(case_id=own.id, kind="monitor_assigned")
    assert not await CaseEvent.exists(case_id=avoided.id, kind="monitor_assigned")


async def test_bulk_extend_needs_a_reason_and_moves_each_deadline(accounts: Any, panel_factory: Any,
                                                                  services: Any) -> None:
    cases = await _nanba(services, 2)
    clerk = await signed_in(panel_factory, services, "nanba_staff")
    await clerk.get("/admin/cases")
    ids = [str(c.id) for c in cases]
    status, body = await clerk.post("/admin/cases/bulk", {"action": "extend", "days": "5", "reason": "", "ids": ids})
    assert {why for _, why in results(body).values()} == {"请填写延期原因"}
    assert not await CaseEvent.filter(kind="extended").exists()
    status, body = await clerk.post("/admin/cases/bulk", {"action": "extend", "days": "5", "reason": "春节前后走访核实",
                                                          "ids": ids})
    assert {o for o, _ in results(body).values()} == {"ok"}
    for c in cases:
        after = await Case.get(id=c.id)
        assert after.accept_due > c.accept_due
        assert (await CaseEvent.get(case_id=c.id, kind="extended")).reason == "春节前后走访核实"


async def test_monitor_and_auditor_have_no_bulk_actions(accounts: Any, panel_factory: Any, services: Any) -> None:
    case = (await _nanba(services, 1))[0]
    monitor = await signed_in(panel_factory, services, "hujia_monitor")
    _, page = await monitor.get("/admin/cases")
    assert 'id="bulk-form"' not in page
    status, _ = await monitor.post("/admin/cases/bulk", {"action": "accept", "ids": [str(case.id)]})
    assert status == 403
    assert (await Case.get(id=case.id)).status is Status.RECEIVED


async def test_bulk_changes_status_only_through_the_domains_transition(accounts: Any, panel_factory: Any,
                                                                       services: Any, monkeypatch: Any) -> None:
    """Every status the bulk page changes went through transitions.apply_transition (the one place a status moves)."""
    from handlers.cases import transitions

    moved: list[tuple[int, str]] = []
    real = transitions.apply_transition

    async def watched(case: Case, target: Status, **kw: Any) -> Any:
        moved.append((case.id, str(target)))
        return await real(case, target, **kw)

    monkeypatch.setattr(transitions, "apply_transition", watched)
    cases = await _nanba(services, 3)
    clerk = await signed_in(panel_factory, services, "nanba_staff")
    await clerk.get("/admin/cases")
    await clerk.post("/admin/cases/bulk", {"action": "accept", "ids": [str(c.id) for c in cases]})
    now = {c.id: str((await Case.get(id=c.id)).status) for c in cases}
    assert now == {c.id: "accepted" for c in cases}
    assert sorted(moved) == sorted(now.items())
