"""A 我没收到 case carries its subsidy record to the panel: the payee masked for everyone until a county reveal."""
from __future__ import annotations

from typing import Any

from handlers.subsidies.actions import file_dispute
from nlp.idcard import mask_id
from storage.models import SubsidyRecord
from tests.admin.conftest import signed_in
from tests.handlers.subsidies.conftest import HU, _delete_subsidy_rows_after, imported  # noqa: F401 (fixtures)


async def test_disputed_record_is_attached_masked_until_a_county_reveal(imported: Any, accounts: Any,
                                                                        panel_factory: Any) -> None:
    record = await SubsidyRecord.get(program="农村低保")
    filed = await file_dispute(record.id, "not_received", channel="mp", openid="oDisputePanel000000000001",
                               services=imported, received="没有收到")
    case = filed.case
    for who in ("nanba_staff", "hujia_monitor", "county_staff"):
        panel = await signed_in(panel_factory, imported, who)
        status, body = await panel.get(f"/admin/cases/{case.id}")
        assert status == 200 and 'id="subsidy-record"' in body, who
        assert "农村低保" in body and "1560.00 元" in body and "2026-03-15" in body and "没有收到" in body
        assert "胡*山" in body and mask_id(HU.id_number) in body
        assert HU.name not in body and HU.id_number not in body, who
    status, body = await panel.post(f"/admin/cases/{case.id}/reveal", {"reason": "核实领取人与反映人"})
    assert status == 200 and HU.name in body and HU.id_number in body
