"""Registry, staff accounts with binding codes, and announcements to village groups (county admin only)."""
from __future__ import annotations

import re
from typing import Any

from storage import keys
from storage.models import AuditEntry, OutboxMessage, Staff, Village, WechatGroup
from tests.admin.conftest import signed_in


async def test_registry_page_shows_townships_villages_elevated_and_groups(accounts: Any, panel_factory: Any,
                                                                          services: Any) -> None:
    await WechatGroup.create(chat_id="wrGroupHujia", name="胡家庄村民群",
                             village=await Village.get(code="610798101201"), webhook_key="robot-key-1")
    admin = await signed_in(panel_factory, services, "county_admin")
    status, body = await admin.get("/admin/registry")
    assert status == 200
    assert "南坝镇纪委" in body and "第一协作区" in body and "清水社区" in body
    stone_bridge = re.search(r"<tr><td>610798101202</td>.*?</tr>", body)
    assert stone_bridge and "提级监督" in stone_bridge.group(0)
    assert "胡家庄村民群" in body and "robot-key-1" not in body
    township = await signed_in(panel_factory, services, "nanba_staff")
    for path in ("/admin/registry", "/admin/staff", "/admin/announce"):
        status, _ = await township.get(path)
        assert status == 403, path


async def test_admin_creates_account_and_issues_one_time_binding_code(accounts: Any, panel_factory: Any,
                                                                      services: Any) -> None:
    admin = await signed_in(panel_factory, services, "county_admin")
    await admin.get("/admin/staff")
    status, body = await admin.post("/admin/staff", {"username": "qingshui_wu", "display_name": "吴干事",
                                                     "role": "township_staff", "scope_code": "610798999",
                                                     "password": "a-long-first-pass"})
    assert status == 400 and "不是行政区划中的乡镇代码" in body
    status, body = await admin.post("/admin/staff", {"username": "qingshui_wu", "display_name": "吴干事",
                                                     "role": "township_staff", "scope_code": "610798201",
                                                     "password": "a-long-first-pass"})
    assert status == 200 and "已创建账号" in body and ">qingshui_wu<" in body
    new = await Staff.get(username="qingshui_wu")
    status, body = await admin.post(f"/admin/staff/{new.id}/bindcode")
    code = re.search(r"绑定码：<strong>(\d{6})</strong>", body).group(1)  # type: ignore[union-attr]
    assert await services.redis.get(keys.binding_code(code)) == str(new.id).encode()
    assert await AuditEntry.filter(action="staff.create", target="qingshui_wu").exists()
    # The new account signs in; deactivated, it cannot.
    panel = await panel_factory()
    status, body = await panel.sign_in("qingshui_wu", "a-long-first-pass")
    assert status == 200 and "概览" in body
    await admin.get("/admin/staff")
    await admin.post(f"/admin/staff/{new.id}/active", {"active": "0"})
    status, _ = await panel.get("/admin/cases", allow_redirects=False)
    assert status == 302
    again = await panel_factory()
    status, body = await again.sign_in("qingshui_wu", "a-long-first-pass")
    assert "用户名或密码错误" in body


async def test_announcement_goes_to_chosen_groups_and_refuses_personal_data(accounts: Any, panel_factory: Any,
                                                                             services: Any) -> None:
    hujia = await Village.get(code="610798101201")
    await WechatGroup.create(chat_id="wrGroupA", name="胡家庄一组", village=hujia, webhook_key="key-a")
    await WechatGroup.create(chat_id="wrGroupB", name="胡家庄二组", village=hujia, webhook_key="key-b")
    admin = await signed_in(panel_factory, services, "county_admin")
    await admin.get("/admin/announce")
    status, body = await admin.post("/admin/announce", {"text": "低保名单公示，联系13912345678", "group": "wrGroupA"})
    assert status == 400 and "手机号" in body
    assert await OutboxMessage.all().count() == 0
    status, body = await admin.post("/admin/announce", {"text": "2026年第一季度低保名单已在村务公开栏公示。",
                                                        "group": "wrGroupA"})
    assert status == 200 and "1 个村民群" in body
    sent = await OutboxMessage.all()
    assert len(sent) == 1 and "第一季度" in sent[0].payload["text"]
    assert services.cipher.open(sent[0].recipient_enc) == "key-a"
    assert await AuditEntry.filter(action="announce").count() == 1
