"""Manual merge and unlink of duplicates (issue 18): staff judge two reports one problem (或 not), with a reason;
events on both cases, the cluster's priority by the one rule, nothing across offices or jurisdictions."""
from __future__ import annotations

from typing import Any

from storage.models import AuditEntry, Case, CaseEvent, Staff
from tests.admin.conftest import file_case, signed_in


async def _two(services: Any) -> tuple[Case, Case]:
    # Different enough that the automatic detection leaves them apart.
    first = await file_case(services, "胡家庄村会计把我家低保钱扣了一半", township="610798101", village="610798101201")
    second = await file_case(services, "村里给五保户的钱到现在没发下来，问了好几次都说等等", township="610798101",
                             village="610798101201")
    assert second.linked_to_id is None
    return first, second


async def test_merge_then_unlink_writes_events_on_both_with_who_and_why(accounts: Any, panel_factory: Any,
                                                                        services: Any) -> None:
    root, dup = await _two(services)
    clerk = await signed_in(panel_factory, services, "nanba_staff")
    _, page = await clerk.get(f"/admin/cases/{dup.id}")
    assert 'value="merge"' in page and 'value="unlink"' not in page
    status, _ = await clerk.post(f"/admin/cases/{dup.id}/action", {"action": "merge", "into": root.number,
                                                                   "reason": "同一户同一笔低保款"})
    assert status == 200
    staff = await Staff.get(username="nanba_staff")
    dup_after, root_after = await Case.get(id=dup.id), await Case.get(id=root.id)
    assert dup_after.linked_to_id == root.id and root_after.priority == root.priority + 1
    for case_id, words in ((dup.id, f"并入 {root.number}"), (root.id, f"{dup.number} 并入本件")):
        event = await CaseEvent.get(case_id=case_id, kind="merged")
        assert event.actor == f"staff:{staff.id}" and words in event.reason and "同一户同一笔低保款" in event.reason
    merged = await AuditEntry.get(action="case.merge")
    assert (merged.actor, merged.target) == (f"staff:{staff.id}", dup.number)
    assert merged.detail == {"into": root.number, "moved": 0, "reason": "同一户同一笔低保款"}
    _, page = await clerk.get(f"/admin/cases/{dup.id}")
    assert 'value="unlink"' in page and 'value="merge"' not in page and root.number in page
    _, page = await clerk.get(f"/admin/cases/{root.id}")
    assert dup.number in page and "并案" in page

    status, _ = await clerk.post(f"/admin/cases/{dup.id}/action", {"action": "unlink", "reason": ""})
    assert status == 400 and (await Case.get(id=dup.id)).linked_to_id == root.id
    assert not await AuditEntry.filter(action="case.unlink").exists()
    status, _ = await clerk.post(f"/admin/cases/{dup.id}/action", {"action": "unlink", "reason": "核实后是两户"})
    assert status == 200
    dup_after, root_after = await Case.get(id=dup.id), await Case.get(id=root.id)
    assert dup_after.linked_to_id is None and root_after.priority == root.priority
    for case_id in (dup.id, root.id):
        event = await CaseEvent.get(case_id=case_id, kind="unlinked")
        assert event.actor == f"staff:{staff.id}" and "核实后是两户" in event.reason
    unlinked = await AuditEntry.get(action="case.unlink")
    assert (unlinked.actor, unlinked.target) == (f"staff:{staff.id}", dup.number)
    assert unlinked.detail == {"root": root.number, "reason": "核实后是两户"}
    admin = await signed_in(panel_factory, services, "county_admin")  # the audit page names both in words
    _, page = await admin.get("/admin/audit")
    assert "合并重复案件" in page and "解除案件关联" in page


async def test_merge_needs_a_reason_and_a_case_in_the_same_office(accounts: Any, panel_factory: Any,
                                                                  services: Any) -> None:
    root, dup = await _two(services)
    elsewhere = await file_case(services, "东岭村主任把低保给了自己亲戚", township="610798102", village="610798102201")
    clerk = await signed_in(panel_factory, services, "nanba_staff")
    await clerk.get(f"/admin/cases/{dup.id}")
    status, body = await clerk.post(f"/admin/cases/{dup.id}/action", {"action": "merge", "into": root.number,
                                                                      "reason": " "})
    assert status == 400 and "请填写合并理由" in body
    # Another township's case reads as absent: its existence is not confirmed.
    status, body = await clerk.post(f"/admin/cases/{dup.id}/action", {"action": "merge", "into": elsewhere.number,
                                                                      "reason": "同一问题"})
    assert status == 400 and "不在您的管辖范围内" in body and elsewhere.text not in body
    status, body = await clerk.post(f"/admin/cases/{dup.id}/action", {"action": "merge", "into": dup.number,
                                                                      "reason": "同一问题"})
    assert status == 400 and "已在同一组" in body
    county = await signed_in(panel_factory, services, "county_staff")  # the county sees both, still one office each
    await county.get(f"/admin/cases/{dup.id}")
    status, body = await county.post(f"/admin/cases/{dup.id}/action", {"action": "merge", "into": elsewhere.number,
                                                                       "reason": "同一问题"})
    assert status == 400 and "不同单位承办" in body
    assert not await CaseEvent.filter(kind="merged").exists()
    assert not await AuditEntry.filter(action="case.merge").exists()  # a refused merge is neither done nor audited
    assert (await Case.get(id=dup.id)).linked_to_id is None


async def test_merging_a_cluster_root_brings_its_linked_reports_along(accounts: Any, panel_factory: Any,
                                                                       services: Any) -> None:
    root, other = await _two(services)
    child = await file_case(services, "村里给五保户的钱到现在没发下来，问了好几次都说等等", township="610798101",
                            village="610798101201")
    assert child.linked_to_id == other.id  # the automatic detection linked the same text
    clerk = await signed_in(panel_factory, services, "nanba_staff")
    await clerk.get(f"/admin/cases/{other.id}")
    status, _ = await clerk.post(f"/admin/cases/{other.id}/action", {"action": "merge", "into": root.number,
                                                                     "reason": "都是扣五保低保款"})
    assert status == 200
    assert {(await Case.get(id=c.id)).linked_to_id for c in (other, child)} == {root.id}
    assert (await Case.get(id=root.id)).priority == 2
    moved = await CaseEvent.get(case_id=child.id, kind="merged")
    assert f"随 {other.number} 并入 {root.number}" in moved.reason
