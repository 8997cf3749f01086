"""Every reply that misses WeChat's 5 s goes through the durable outbox (issue 14 items 4 and 8)."""
from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from handlers.cases import filing
from handlers.cases.delivery import DeliveryConfig, deliver_due, enqueue_replies
from storage.models import Case, OutboxMessage
from tests.handlers.conftest import Villager
from tests.handlers.test_conversations_report import receipt_in
from tests.handlers.test_filing_idempotent import _to_identity

FAST = DeliveryConfig(backoff_base=0.05, backoff_cap=0.1, lease_s=5.0)


async def _settle(services: Any) -> None:
    for _ in range(100):
        await deliver_due(services, FAST)
        if not await OutboxMessage.filter(status__in=["pending", "sending"]).exists():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the outbox did not settle")


async def test_a_late_receipt_arrives_through_the_outbox(villager: Villager, services: Any, fake_wechat: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    await _to_identity(villager)
    monkeypatch.setattr(services, "settings", services.settings.with_(reply_deadline_s=0.3))

    async def slow_database(case: Any, conn: Any, services: Any) -> None:
        await asyncio.sleep(1.0)

    monkeypatch.setattr(filing, "AFTER_FILED", [*filing.AFTER_FILED, slow_database])
    reply = await villager.raw("2")
    assert reply.texts == [] and reply.body == "success", "no passive reply after the deadline"
    await services.drain()  # the filing finishes in the background and queues its answer
    case = await Case.get()
    late = await OutboxMessage.filter(case_id=None).first()
    assert late is not None and late.kind == "custom_text", "the receipt waits in the outbox"
    assert villager.openid not in json.dumps(late.payload) and case.number not in json.dumps(late.payload)
    fake_wechat.state.reset()
    await _settle(services)
    sent = [r.body for r in fake_wechat.records if r.body.get("touser") == villager.openid]
    assert len(sent) == 1 and case.number in sent[0]["text"]["content"] and receipt_in(sent[0]["text"]["content"])
    forgotten = await OutboxMessage.get(id=late.id)
    assert forgotten.status == "sent" and forgotten.recipient_enc == "" and forgotten.payload == {}, \
        "an anonymous reporter's openid does not stay beside the receipt"


async def test_a_late_reply_over_the_customer_service_quota_goes_as_a_template(villager: Villager, services: Any,
                                                                              fake_wechat: Any) -> None:
    await villager.one("帮助")  # the 48 h window is open
    fake_wechat.state.reset()
    async with aiohttp.ClientSession() as http:
        await http.post(fake_wechat.base_url + "/_fake/fail",
                        json={"mode": "errcode", "errcode": 45047, "count": 1, "paths": ["/cgi-bin/message/custom/send"]})
    await enqueue_replies("mp", villager.openid, ["已登记,案件编号 QF2026000123,由南坝镇纪委办理。"], services.cipher)
    await _settle(services)
    kinds = [r.kind for r in fake_wechat.records if r.body.get("touser") == villager.openid]
    assert kinds == ["template"]
    assert "QF2026000123" in json.dumps(fake_wechat.records[-1].body, ensure_ascii=False)
