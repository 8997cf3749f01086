"""Every message and event type, in wechatpy's and WeRoBot's formats, through the real endpoints, encrypted.

The samples (tests/bot/wechat_samples.py) are posted as WeChat's servers post them — signed and
AES-encrypted by the simulator — to /wechat/mp and /wechat/work of the running app. Each must be
answered with 200 before WeChat gives up (5 s: the client's timeout here), and with a fitting
answer: `success` for every event that is not a follow, a scan of ours or a known menu key.
"""
from __future__ import annotations

import itertools
import secrets
import time
from typing import Any

import aiohttp
import pytest

from bot.wechat_sim import WeChatServerSim
from tests.bot.wechat_samples import SAMPLES, Sample, render

WECHAT_GIVES_UP_S = 5.0
_msgids = itertools.count(int(time.time()) % 10**9 * 1000)


@pytest.fixture
async def sims(app_server: Any, settings: Any, registry_loaded: Any) -> dict[str, WeChatServerSim]:
    base = str(app_server.make_url("")).rstrip("/")
    return {"mp": WeChatServerSim(base, settings.wechat_token, settings.wechat_aes_key, settings.wechat_appid),
            "work": WeChatServerSim(base, settings.wecom_token, settings.wecom_aes_key, settings.wecom_corpid,
                                    channel="work")}


@pytest.mark.parametrize("style", ["wechatpy", "werobot"])
@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
async def test_every_sample_gets_200_in_time_and_a_fitting_answer(
        sims: dict[str, WeChatServerSim], sample: Sample, style: str) -> None:
    sim = sims[sample.channel]
    sender = ("o" + secrets.token_hex(14)[:27]) if sample.channel == "mp" else "wu" + secrets.token_hex(6)
    xml = render(sample, style, sender=sender, account=sim.account, now=int(time.time()), msgid=next(_msgids))
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WECHAT_GIVES_UP_S)) as http:
        reply = await sim.post_xml(http, xml)
    assert reply.status == 200, reply.body
    how = sample.expect[0]
    if how == "success":
        assert reply.body == "success" and reply.texts == []
        return
    assert len(reply.texts) == 1 and reply.texts[0], reply.body
    text = reply.texts[0]
    if how == "is":
        assert text == sample.expect[1]
    elif how == "starts":
        assert text.startswith(sample.expect[1])
    elif how == "has":
        assert sample.expect[1] in text
    assert "没太明白" not in text or sample.name == "text-chat"


def test_the_set_covers_every_type_wechat_documents() -> None:
    kinds = {dict(s.fields)["MsgType"] for s in SAMPLES if s.channel == "mp"}
    assert {"text", "image", "voice", "video", "shortvideo", "location", "link", "miniprogrampage", "event"} <= kinds
    events = {dict(s.fields).get("Event", "").lower() for s in SAMPLES if s.is_event}
    assert {"subscribe", "unsubscribe", "scan", "click", "view", "location", "subscribe_msg_popup_event",
            "subscribe_msg_change_event", "subscribe_msg_sent_event", "templatesendjobfinish", "change_contact",
            "template_card_event", "add_schedule", "book_meeting_room", "enter_agent"} <= events
