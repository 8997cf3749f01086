"""The 公示 archive opened by township staff (found by the every-page browser test: it answered 500, a values_list
query passed where a list of village codes was wanted). A township sees its own villages' announcements only."""
from __future__ import annotations

from typing import Any

from handlers.publication.archive import record
from storage.models import Village, WechatGroup
from tests.admin.conftest import signed_in


async def test_township_staff_open_the_archive_of_their_villages_only(accounts: Any, panel_factory: Any,
                                                                       services: Any) -> None:
    groups = []
    for chat_id, village in (("wrNanba1", "610798101201"), ("wrDongling1", "610798102201")):
        groups.append(await WechatGroup.create(chat_id=chat_id, name=chat_id,
                                               village=await Village.get(code=village)))
    await record("胡家庄村低保名单公示", [groups[0]], sender="staff:1", office_code="610798", office_name="示例县纪委监委")
    await record("东岭村工程公示", [groups[1]], sender="staff:1", office_code="610798", office_name="示例县纪委监委")
    nanba = await signed_in(panel_factory, services, "nanba_staff")
    status, body = await nanba.get("/admin/archive")
    assert status == 200 and "胡家庄村低保名单公示" in body and "东岭村工程公示" not in body
