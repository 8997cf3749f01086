"""Issue 18: the panel shows names, never codes — 承办 in the case list, the XLSX export's places and offices,
the channel, the audit log's people, actions and details, and the reassignment reason staff typed."""
from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import load_workbook

from handlers.cases import actions
from storage import audit
from storage.models import AuditEntry, CaseEvent, Staff
from tests.admin.conftest import file_case, signed_in

COUNTY = "610798"
REASON = "被举报人系镇党委委员，需回避"


async def _reassigned_to_county(accounts: dict[str, Staff], services: Any) -> Any:
    case = await file_case(services, "胡家庄村会计把低保钱扣了", township="610798101", village="610798101201")
    await actions.reassign(case.id, actor_staff=accounts["county_staff"], office_code=COUNTY, reason=REASON,
                           services=services)
    return case


async def test_case_list_and_export_show_office_and_place_names_not_codes(accounts: Any, panel_factory: Any,
                                                                          services: Any) -> None:
    case = await _reassigned_to_county(accounts, services)
    panel = await signed_in(panel_factory, services, "county_staff")
    _, body = await panel.get("/admin/cases")
    row = body.split(case.number, 1)[1].split("</tr>", 1)[0]
    assert "示例县纪委监委" in row and COUNTY not in row
    status, data, _ = await panel.get_bytes("/admin/cases/export.xlsx")
    assert status == 200
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    header, first = rows[0], dict(zip(rows[0], rows[1]))
    assert header[4:7] == ("乡镇", "村", "承办单位")
    assert (first["乡镇"], first["村"], first["承办单位"]) == ("南坝镇", "胡家庄村", "示例县纪委监委")
    _, body = await panel.get(f"/admin/cases/{case.id}")
    assert re.search(r'id="channel">公众号<', body) and ">mp<" not in body


async def test_reassignment_reason_is_on_the_timeline_and_in_the_audit_entry(accounts: Any, panel_factory: Any,
                                                                             services: Any) -> None:
    case = await _reassigned_to_county(accounts, services)
    entry = await AuditEntry.get(action="case.reassign")
    assert entry.detail["reason"] == REASON
    panel = await signed_in(panel_factory, services, "county_staff")
    _, body = await panel.get(f"/admin/cases/{case.id}")
    timeline = body.split('id="timeline"', 1)[1].split("</ol>", 1)[0]
    assert REASON in timeline and "改派" in timeline
    assert (await CaseEvent.get(case_id=case.id, kind="reassigned")).data["reason"] == REASON


async def test_audit_log_reads_as_words_not_codes_hashes_or_json(accounts: Any, panel_factory: Any,
                                                                 services: Any) -> None:
    await Staff.filter(id=accounts["county_admin"].id).update(display_name="李主任")
    case = await file_case(services, "胡家庄村会计把低保钱扣了", township="610798101", village="610798101201",
                           anonymous=False, name="王五", phone="13800000000", openid="o-villager-1")
    await _reassigned_to_county(accounts, services)
    await audit.append("villager:" + "ab" * 16, "subsidy.lookup", "subsidy_lookup:7", {"channel": "mp", "records": 2})
    admin = await signed_in(panel_factory, services, "county_admin")
    await admin.get(f"/admin/cases/{case.id}")
    status, _ = await admin.post(f"/admin/cases/{case.id}/reveal", {"reason": "需要核实举报人所说的情况"})
    assert status == 200
    _, body = await admin.get("/admin/audit")
    table = body.split('id="audit-table"', 1)[1]
    for code in ("reporter.reveal", "case.reassign", "subsidy.lookup", "staff:", "villager:", "ab" * 8, "\\u",
                 '{"', "610798101"):
        assert code not in table, code
    assert "查看举报人身份" in table and "李主任（县纪委监委管理员）" in table
    assert "理由：需要核实举报人所说的情况" in table
    assert "改派案件" in table and REASON in table and "南坝镇纪委" in table and "示例县纪委监委" in table
    assert "群众" in table and "查询惠民资金" in table and "渠道：公众号" in table
    # the search offers people and actions by name
    form = body.split('id="audit-table"', 1)[0]
    assert ">李主任（县纪委监委管理员）<" in form and ">查看举报人身份<" in form
    _, body = await admin.get("/admin/audit?action=reporter.reveal")
    assert body.split('id="audit-table"', 1)[1].count("<tr>") == 2  # the header and the one reveal
