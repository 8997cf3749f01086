"""Scope (IDOR): a township's staff cannot read, list, export or act on another township's cases by any URL
or form; a monitor never sees a reporter; every reveal and export is in the audit log."""
from __future__ import annotations

import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook

from storage.models import AuditEntry, Case, CaseEvent, Staff, Status
from tests.admin.conftest import file_case, signed_in

NAME, PHONE, OPENID = "王秀兰", "13912345678", "oQF_reporter_openid_000000000001"


@pytest.fixture
async def two_townships(accounts: Any, services: Any) -> dict[str, Case]:
    nanba = await file_case(services, "胡家庄村会计把我家低保钱扣了一半", township="610798101", village="610798101201",
                            anonymous=False, name=NAME, phone=PHONE, openid=OPENID)
    dongling = await file_case(services, "东岭村主任虚报危房改造补助", township="610798102", village="610798102201")
    return {"nanba": nanba, "dongling": dongling}


def _rows(body: str) -> str:
    """The case table's rows (the search box echoes what was typed)."""
    return body.split('<table id="case-table">', 1)[1].split("</table>", 1)[0]


async def _xlsx_numbers(panel: Any, query: str = "") -> list[str]:
    status, data, ctype = await panel.get_bytes("/admin/cases/export.xlsx" + query)
    assert status == 200 and "spreadsheet" in ctype
    ws = load_workbook(io.BytesIO(data)).active
    return [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]


async def test_township_staff_lists_and_exports_only_their_township(two_townships: dict[str, Case],
                                                                    panel_factory: Any, services: Any) -> None:
    own, other = two_townships["nanba"], two_townships["dongling"]
    panel = await signed_in(panel_factory, services, "nanba_staff")
    for query in ("", f"?township=610798102", f"?q={other.number}", "?status=received", "?category=subsidy_fraud"):
        status, body = await panel.get("/admin/cases" + query)
        assert status == 200
        assert other.number not in _rows(body), query
    _, body = await panel.get("/admin/cases")
    assert own.number in _rows(body)
    assert await _xlsx_numbers(panel) == [own.number]
    assert await _xlsx_numbers(panel, "?township=610798102") == []
    _, body = await panel.get("/admin/")
    assert re.search(r'id="n-open">1<', body)  # the dashboard counts one case, not two
    assert await AuditEntry.filter(action="cases.export").count() == 2


async def test_township_staff_cannot_open_or_act_on_another_townships_case(two_townships: dict[str, Case],
                                                                           panel_factory: Any, services: Any) -> None:
    other = two_townships["dongling"]
    panel = await signed_in(panel_factory, services, "nanba_staff")
    await panel.get("/admin/cases")
    status, _ = await panel.get(f"/admin/cases/{other.id}")
    assert status == 404
    status, _ = await panel.get(f"/admin/cases/{other.id}/attachments/1")
    assert status == 404
    forms = [("action", {"action": "accept"}), ("action", {"action": "reject", "reason": "不属实"}),
             ("action", {"action": "reassign", "office_code": "610798101", "reason": "要过来"}),
             ("action", {"action": "add_finding", "text": "x"}), ("monitor", {"monitor": "1"}),
             ("reveal", {"reason": "想看看是谁"})]
    for path, form in forms:
        status, _ = await panel.post(f"/admin/cases/{other.id}/{path}", form)
        assert status in (403, 404), (path, form)
    fresh = await Case.get(id=other.id)
    assert fresh.status == Status.RECEIVED and fresh.office == "610798102"
    assert not await CaseEvent.filter(case_id=other.id, actor__startswith="staff:").exists()
    # Same answer for a case that does not exist: ids cannot be probed.
    status, _ = await panel.get("/admin/cases/999999")
    assert status == 404


async def test_monitor_sees_assigned_case_but_never_the_reporter(two_townships: dict[str, Case], panel_factory: Any,
                                                                 services: Any, sensitive_log: Any) -> None:
    own, other = two_townships["nanba"], two_townships["dongling"]
    county = await signed_in(panel_factory, services, "county_staff")
    await county.get(f"/admin/cases/{own.id}")
    status, body = await county.post(f"/admin/cases/{own.id}/reveal", {"reason": "核实举报人联系方式以便约谈"})
    assert status == 200 and NAME in body and PHONE in body
    monitor = await signed_in(panel_factory, services, "hujia_monitor")
    status, body = await monitor.get(f"/admin/cases/{own.id}")
    assert status == 200 and own.number in body
    for secret in (NAME, PHONE, OPENID, "实名", "查看身份"):
        assert secret not in body
    status, _ = await monitor.post(f"/admin/cases/{own.id}/reveal", {"reason": "我想知道是谁"})
    assert status == 403
    status, _ = await monitor.get(f"/admin/cases/{other.id}")
    assert status == 404
    status, body = await monitor.get("/admin/cases")
    assert own.number in _rows(body) and other.number not in _rows(body)
    status, _ = await monitor.get("/admin/cases/export.xlsx")
    assert status == 403
    # A monitor only adds findings: accepting is refused and changes nothing.
    await monitor.get(f"/admin/cases/{own.id}")
    status, _ = await monitor.post(f"/admin/cases/{own.id}/action", {"action": "accept"})
    assert status == 400 and (await Case.get(id=own.id)).status == Status.RECEIVED
    status, body = await monitor.post(f"/admin/cases/{own.id}/action", {"action": "add_finding",
                                                                        "text": "已走访，情况基本属实"})
    assert status == 200 and "已走访，情况基本属实" in body
    for record in sensitive_log.records:
        assert NAME not in record.getMessage() and PHONE not in record.getMessage()


async def test_reveal_is_county_only_needs_a_reason_and_is_audited(two_townships: dict[str, Case],
                                                                   panel_factory: Any, services: Any,
                                                                   sensitive_log: Any) -> None:
    case = two_townships["nanba"]
    township = await signed_in(panel_factory, services, "nanba_staff")
    status, body = await township.get(f"/admin/cases/{case.id}")
    assert status == 200 and NAME not in body and "查看身份" not in body
    status, _ = await township.post(f"/admin/cases/{case.id}/reveal", {"reason": "需要联系举报人"})
    assert status == 403
    county = await signed_in(panel_factory, services, "county_admin")
    status, body = await county.get(f"/admin/cases/{case.id}")
    assert NAME not in body and "查看身份" in body  # not shown until asked for, with a reason
    status, body = await county.post(f"/admin/cases/{case.id}/reveal", {"reason": ""})
    assert status == 400 and NAME not in body
    assert not await AuditEntry.filter(action="reporter.reveal").exists()
    status, body = await county.post(f"/admin/cases/{case.id}/reveal", {"reason": "约谈举报人核实细节"})
    assert status == 200 and NAME in body and PHONE in body
    entries = await AuditEntry.filter(action="reporter.reveal")
    assert len(entries) == 1 and entries[0].target == case.number
    assert entries[0].detail["reason"] == "约谈举报人核实细节" and NAME not in str(entries[0].detail)
    anonymous = two_townships["dongling"]
    status, _ = await county.post(f"/admin/cases/{anonymous.id}/reveal", {"reason": "约谈举报人核实细节"})
    assert status == 400
    redis_keys = " ".join(k.decode() for k in await services.redis.keys("*"))
    assert NAME not in redis_keys and PHONE not in redis_keys
    for record in sensitive_log.records:
        assert NAME not in record.getMessage() and PHONE not in record.getMessage()


async def test_auditor_reads_audit_log_but_no_cases(two_townships: dict[str, Case], panel_factory: Any,
                                                    services: Any) -> None:
    auditor = await signed_in(panel_factory, services, "auditor")
    for path in ("/admin/cases", f"/admin/cases/{two_townships['nanba'].id}", "/admin/cases/export.xlsx"):
        status, _ = await auditor.get(path)
        assert status == 403, path
    status, body = await auditor.get("/admin/audit")
    assert status == 200 and "auth.login" in body
    status, body = await auditor.post("/admin/audit/verify")
    assert status == 200 and "完整性校验通过" in body
    township = await signed_in(panel_factory, services, "nanba_staff")
    status, _ = await township.get("/admin/audit")
    assert status == 403


async def test_audit_verify_in_panel_detects_tampering(accounts: Any, panel_factory: Any, services: Any) -> None:
    auditor = await signed_in(panel_factory, services, "auditor")
    entry = await AuditEntry.filter(action="auth.login").first()
    assert entry is not None
    await AuditEntry.filter(id=entry.id).update(actor="staff:999")
    await auditor.get("/admin/audit")
    status, body = await auditor.post("/admin/audit/verify")
    assert "发现篡改" in body and f"第 {entry.id} 条" in body


async def test_attachment_served_to_its_township_only(two_townships: dict[str, Case], panel_factory: Any,
                                                      services: Any) -> None:
    import io as _io

    from PIL import Image

    from storage.attachments import save_attachment

    buf = _io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, format="PNG")
    att = await save_attachment(two_townships["nanba"].id, buf.getvalue(), "image/png", "image", services)
    own = await signed_in(panel_factory, services, "nanba_staff")
    status, body = await own.get(f"/admin/cases/{two_townships['nanba'].id}")
    assert f"/attachments/{att.id}" in body
    status, data, ctype = await own.get_bytes(f"/admin/cases/{two_townships['nanba'].id}/attachments/{att.id}")
    assert status == 200 and ctype == "image/png" and Image.open(_io.BytesIO(data)).size == (8, 8)
    other = await signed_in(panel_factory, services, "dongling_staff")
    for case_id in (two_townships["nanba"].id, two_townships["dongling"].id):  # neither URL gives the file
        status, _, _ = await other.get_bytes(f"/admin/cases/{case_id}/attachments/{att.id}")
        assert status == 404


async def _file_routed_to_county(services: Any, text: str, **kw: Any) -> Case:
    from handlers.cases.filing import ReportDraft, file_report

    draft = ReportDraft(channel="mp", text=text, category="subsidy_fraud", township="610798101",
                        village="610798101201", confidence=0.9, keywords=["低保"], **kw)
    case = (await file_report(draft, services)).case
    assert case.office == "610798"
    return case


async def test_monitor_cannot_open_avoided_case_in_the_panel(two_townships: dict[str, Case], panel_factory: Any,
                                                             services: Any) -> None:
    own = two_townships["nanba"]
    avoided = await _file_routed_to_county(services, "南坝镇副镇长收了胡家庄村低保户的好处费", level="township")
    excluded = await _file_routed_to_county(services, "胡家庄村会计扣低保,不要转给镇上,镇上和他是一伙的",
                                            level="village", exclude_township=True)
    county = await signed_in(panel_factory, services, "county_staff")
    monitor_id = str((await Staff.get(username="hujia_monitor")).id)
    for case in (avoided, excluded):  # the county cannot hand such a case to a monitor either
        status, body = await county.get(f"/admin/cases/{case.id}")
        assert status == 200 and f'value="{monitor_id}"' not in body
        status, _ = await county.post(f"/admin/cases/{case.id}/monitor", {"monitor": monitor_id})
        assert status == 400
    monitor = await signed_in(panel_factory, services, "hujia_monitor")
    _, body = await monitor.get("/admin/cases")
    assert own.number in _rows(body)
    for case in (avoided, excluded):
        assert case.number not in _rows(body)
        status, body_case = await monitor.get(f"/admin/cases/{case.id}")
        assert status == 404 and case.text not in body_case
        await monitor.get(f"/admin/cases/{own.id}")  # a fresh CSRF token from a page the monitor may open
        status, _ = await monitor.post(f"/admin/cases/{case.id}/action", {"action": "add_finding", "text": "已核实"})
        assert status == 404
    assert not await CaseEvent.filter(case_id__in=[avoided.id, excluded.id], kind="finding").exists()
