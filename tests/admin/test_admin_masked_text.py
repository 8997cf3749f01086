"""ID and phone numbers typed into a report (issue 20 item 11) are masked on the panel for everyone but a
county reveal."""
from __future__ import annotations

from typing import Any

from tests.admin.conftest import file_case, signed_in

PHONE, ID_NUMBER = "13912345678", "610798195603120010"
TEXT = f"胡家庄村会计扣了我家低保。我电话 {PHONE},身份证 {ID_NUMBER},邻居座机 0917-2345678。"


async def test_numbers_in_report_text_are_masked_except_for_a_county_reveal(accounts: Any, panel_factory: Any,
                                                                           services: Any) -> None:
    case = await file_case(services, TEXT, township="610798101", village="610798101201", anonymous=False,
                           name="胡大山", phone=PHONE, openid="oMaskedTextReporter000001")
    township = await signed_in(panel_factory, services, "nanba_staff")
    status, body = await township.get(f"/admin/cases/{case.id}")
    assert status == 200 and "胡家庄村会计扣了我家低保" in body
    assert PHONE not in body and ID_NUMBER not in body and "2345678" not in body
    assert "139****5678" in body and "6107**********0010" in body
    county = await signed_in(panel_factory, services, "county_staff")
    status, body = await county.get(f"/admin/cases/{case.id}")
    assert PHONE not in body and ID_NUMBER not in body  # the county too, until it reveals
    status, body = await county.post(f"/admin/cases/{case.id}/reveal", {"reason": "需联系举报人核实情况"})
    assert status == 200 and PHONE in body and ID_NUMBER in body
