"""The panel's village-group page: bind with the group-robot key, shown masked; precise errors; admin only."""
from __future__ import annotations

from typing import Any

from storage.models import WechatGroup
from storage.models.operator import GroupRobot
from tests.admin.conftest import signed_in

KEY = "5f2c8e1a-90ab-4cde-8f01-23456789beef"


async def test_admin_binds_a_group_with_its_robot_and_never_sees_the_key_again(accounts: Any, panel_factory: Any,
                                                                              services: Any) -> None:
    admin = await signed_in(panel_factory, services, "county_admin")
    await admin.get("/admin/groups")
    status, body = await admin.post("/admin/groups", {"chat_id": "wrPanel01", "village": "石桥村",
                                                      "webhook_key": KEY})
    assert status == 400 and "610798101202" in body and "610798102202" in body and KEY not in body
    status, body = await admin.post("/admin/groups", {"chat_id": "wrPanel01", "village": "610798101202",
                                                      "name": "石桥村民群", "webhook_key": KEY})
    assert status == 200 and "••••beef" in body and KEY not in body
    status, body = await admin.get("/admin/groups")
    assert 'id="group-wrPanel01"' in body and "石桥村" in body and KEY not in body
    status, body = await admin.get("/admin/registry")
    assert "石桥村民群" in body and KEY not in body
    assert (await WechatGroup.get(chat_id="wrPanel01")).village_id == "610798101202"
    # Saving again without a key keeps the robot.
    await admin.post("/admin/groups", {"chat_id": "wrPanel01", "village": "610798101202"})
    assert await GroupRobot.filter(group_id="wrPanel01").count() == 1
    township = await signed_in(panel_factory, services, "nanba_staff")
    assert (await township.get("/admin/groups"))[0] == 403
