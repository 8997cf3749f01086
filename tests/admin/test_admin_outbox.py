"""The panel's list of messages WeChat refused for good, and its audited re-send (issue 14 item 3)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp

from handlers.cases.delivery import DeliveryConfig, deliver_due
from storage import keys
from storage.china_time import utcnow
from storage.models import AuditEntry, OutboxMessage
from tests.admin.conftest import file_case, signed_in

CLERK = "oRefusedClerk000000000000001"
FAST = DeliveryConfig(backoff_base=0.01, backoff_cap=0.02, lease_s=5.0)


async def _refuse_next(fake_wechat: Any, errcode: int) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(fake_wechat.base_url + "/_fake/fail",
                             json={"count": 1, "mode": "errcode", "errcode": errcode}) as r:
            assert r.status == 200


async def test_a_refused_message_is_listed_without_its_recipient_and_re_sent_by_a_county_role_audited(
        accounts: Any, panel_factory: Any, services: Any, fake_wechat: Any) -> None:
    case = await file_case(services, "胡家庄村会计把低保款截留了", township="610798101", village="610798101201")
    await OutboxMessage.all().delete()
    await services.redis.set(keys.last_seen(services.cipher.subject_hash("mp", CLERK)), 1)  # the 48 h window
    text = f"南坝镇纪委:新举报 {case.number},请及时受理。"
    refused = await OutboxMessage.create(kind="custom_text", recipient_enc=services.cipher.seal(CLERK),
                                         payload={"audience": "staff", "text": text}, case=case,
                                         next_attempt_at=utcnow())
    fake_wechat.state.reset()
    await _refuse_next(fake_wechat, 43004)  # the clerk had unfollowed the account
    await deliver_due(services, FAST)
    await refused.refresh_from_db()
    assert refused.status == "failed" and "43004" in refused.last_error
    forgotten = await OutboxMessage.create(kind="custom_text", recipient_enc="", payload={}, status="failed",
                                           last_error="errcode 40003: 收件人 openid 无效", next_attempt_at=utcnow())
    slow = await OutboxMessage.create(kind="template", recipient_enc=services.cipher.seal(CLERK), case=case,
                                      payload={"audience": "staff"}, attempts=services.settings.outbox.max_attempts,
                                      next_attempt_at=utcnow() + timedelta(minutes=5), last_error="HTTP 500")

    county = await signed_in(panel_factory, services, "county_staff")
    status, page = await county.get("/admin/outbox")
    assert status == 200
    assert f'id="refused-{refused.id}"' in page and "收件人未关注公众号" in page and case.number in page
    assert f'id="resend-{refused.id}"' in page and f'id="resend-{forgotten.id}"' not in page, \
        "a late reply refused is forgotten: nothing to re-send"
    assert f'id="delayed-{slow.id}"' in page and "仍在重试" in page, "tried QINGFENG_OUTBOX_MAX_ATTEMPTS times"
    assert CLERK not in page and refused.recipient_enc not in page and text not in page, "nothing personal"

    for who in ("nanba_staff", "hujia_monitor", "auditor"):
        other = await signed_in(panel_factory, services, who)
        assert (await other.get("/admin/outbox"))[0] == 403
        assert (await other.post(f"/admin/outbox/{refused.id}/resend", {"reason": "试试"}))[0] == 403
    assert (await OutboxMessage.get(id=refused.id)).status == "failed"

    status, page = await county.post(f"/admin/outbox/{refused.id}/resend", {"reason": ""})
    assert status == 400 and "请填写重发理由" in page
    status, page = await county.post(f"/admin/outbox/{forgotten.id}/resend", {"reason": "再试"})
    assert status == 400 and "不能重发" in page
    status, page = await county.post(f"/admin/outbox/{refused.id}/resend", {"reason": "办案人员已重新关注公众号"})
    assert status == 200 and 'id="outbox-resent"' in page
    entry = await AuditEntry.filter(action="outbox.resend").get()
    staff_id = accounts["county_staff"].id
    assert entry.actor == f"staff:{staff_id}" and entry.target == f"outbox:{refused.id}"
    assert entry.detail == {"reason": "办案人员已重新关注公众号"}

    await deliver_due(services, FAST)
    assert (await OutboxMessage.get(id=refused.id)).status == "sent"
    sent = [r.body for r in fake_wechat.records if r.body.get("touser") == CLERK]
    assert [b["text"]["content"] for b in sent] == [text], "delivered once, after the re-send"
    admin = await signed_in(panel_factory, services, "county_admin")
    status, audit_page = await admin.get("/admin/audit")
    assert status == 200 and "重发被拒收的消息" in audit_page
