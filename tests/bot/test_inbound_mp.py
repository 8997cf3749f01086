"""/wechat/mp as the WeChat server uses it: handshake, plain and AES, and every way a request can be bad."""
from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Any, AsyncIterator

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.wechat_sim import WeChatServerSim, sign
from handlers.help import HELP_TEXT, WELCOME_TEXT
from tests.bot.redis_written import written_keys

OPENID = "oVillager000000000000000001"


@pytest_asyncio.fixture
async def plain_wechat(services: Any, settings: Any) -> AsyncIterator[WeChatServerSim]:
    """An official account configured without an AES key (`WECHAT_AES_KEY=none`): the only place plain mode exists."""
    from bot import wechat_mp
    from bot.app import make_dispatcher

    plain = dataclasses.replace(services, settings=settings.with_(wechat_aes_key="none"))
    dispatcher = make_dispatcher(plain)
    app = web.Application(client_max_size=settings.max_body_bytes)
    app.add_routes(wechat_mp.routes(plain, dispatcher))
    server = TestServer(app)
    await server.start_server()
    yield WeChatServerSim(str(server.make_url("")).rstrip("/"), settings.wechat_token, settings.wechat_aes_key,
                          settings.wechat_appid, mode="plain")
    await server.close()
    await dispatcher.close()


async def test_handshake_echoes_echostr(wechat: WeChatServerSim, http: Any) -> None:
    ts, nonce = str(int(time.time())), "n1"
    q = {"signature": sign(wechat.token, ts, nonce), "timestamp": ts, "nonce": nonce, "echostr": "hello123"}
    async with http.get(wechat.base_url + "/wechat/mp", params=q) as r:
        assert r.status == 200 and await r.text() == "hello123"
    q["signature"] = "0" * 40
    async with http.get(wechat.base_url + "/wechat/mp", params=q) as r:
        assert r.status == 403


async def test_aes_text_gets_encrypted_help(wechat: WeChatServerSim, http: Any) -> None:
    r = await wechat.send(http, OPENID, "帮助")
    assert r.status == 200
    assert "<Encrypt>" in r.body and "举报" not in r.body  # the reply is encrypted on the wire
    assert r.texts == [HELP_TEXT]


async def test_plain_mode_text_gets_help(plain_wechat: WeChatServerSim, http: Any) -> None:
    r = await plain_wechat.send(http, OPENID, "菜单")
    assert r.status == 200 and r.texts == [HELP_TEXT]


async def test_subscribe_event_gets_welcome(wechat: WeChatServerSim, http: Any) -> None:
    r = await wechat.send(http, OPENID, kind="event", event="subscribe")
    assert r.texts == [WELCOME_TEXT]


async def test_unknown_text_points_to_help(wechat: WeChatServerSim, http: Any) -> None:
    r = await wechat.send(http, OPENID, "今天天气不错")
    assert len(r.texts) == 1 and "帮助" in r.texts[0]


async def test_event_without_reply_answers_success(wechat: WeChatServerSim, http: Any) -> None:
    r = await wechat.send(http, OPENID, kind="event", event="unsubscribe")
    assert r.status == 200 and r.body == "success"


async def test_bad_signature_refused_and_leaves_nothing(wechat: WeChatServerSim, http: Any, services: Any) -> None:
    query, body = wechat.envelope(wechat.message_xml(OPENID, content="帮助"))
    query["signature"] = "f" * 40
    async with http.post(wechat.base_url + "/wechat/mp", params=query, data=body) as r:
        assert r.status == 403
    assert await written_keys(services.redis) == []


async def test_bad_msg_signature_refused(wechat: WeChatServerSim, http: Any, services: Any) -> None:
    query, body = wechat.envelope(wechat.message_xml(OPENID, content="帮助"))
    query["msg_signature"] = "f" * 40
    async with http.post(wechat.base_url + "/wechat/mp", params=query, data=body) as r:
        assert r.status == 403
    assert await written_keys(services.redis) == []


async def test_stale_timestamp_refused(wechat: WeChatServerSim, http: Any, services: Any) -> None:
    old = int(time.time()) - 301
    r = await wechat.post_xml(http, wechat.message_xml(OPENID, content="帮助"), timestamp=old)
    assert r.status == 403
    assert await written_keys(services.redis) == []


async def test_timestamp_inside_window_accepted(wechat: WeChatServerSim, http: Any) -> None:
    r = await wechat.post_xml(http, wechat.message_xml(OPENID, content="帮助"), timestamp=int(time.time()) - 250)
    assert r.status == 200 and r.texts == [HELP_TEXT]


async def test_oversized_body_refused(wechat: WeChatServerSim, http: Any, services: Any) -> None:
    r = await wechat.post_xml(http, wechat.message_xml(OPENID, content="举" * 40000))
    assert r.status == 413
    assert await written_keys(services.redis) == []


@pytest.mark.parametrize("body", [
    "<xml><ToUserName>gh</ToUserName>",  # truncated
    "not xml at all",
    "<xml><MsgType><![CDATA[text]]></MsgType></xml>",  # XML, but not a message
])
async def test_malformed_body_refused(plain_wechat: WeChatServerSim, http: Any, services: Any, body: str) -> None:
    r = await plain_wechat.post_xml(http, body)
    assert r.status == 400
    assert await written_keys(services.redis) == []


XML_BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&lol4;</Content><MsgId>1</MsgId></xml>"""

XXE = """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&e;</Content><MsgId>2</MsgId></xml>"""


# The standard parser takes a body with no DTD: these must still be refused (a lower-case or spaced
# DOCTYPE goes to defusedxml; an entity never declared is malformed XML, not expanded).
LOWER_DOCTYPE = XML_BOMB.replace("<!DOCTYPE", "<!doctype")
UNDECLARED_ENTITY = XXE.split("]>", 1)[1]


@pytest.mark.parametrize("body", [XML_BOMB, XXE, LOWER_DOCTYPE, UNDECLARED_ENTITY],
                         ids=["billion_laughs", "external_entity", "lower_case_doctype", "undeclared_entity"])
async def test_xml_entities_refused_in_plain_mode(plain_wechat: WeChatServerSim, http: Any, services: Any,
                                                  body: str) -> None:
    r = await plain_wechat.post_xml(http, body)
    assert r.status == 400
    assert await written_keys(services.redis) == []


async def test_xml_bomb_inside_encrypted_envelope_refused(wechat: WeChatServerSim, http: Any, services: Any) -> None:
    r = await wechat.post_xml(http, XML_BOMB)
    assert r.status == 400
    assert await written_keys(services.redis) == []


async def test_duplicate_msgid_processed_once(wechat: WeChatServerSim, http: Any, dispatcher: Any) -> None:
    """WeChat retries with the same MsgId: the handler runs once and the retry gets the same answer."""
    calls = 0
    route = dispatcher._route

    async def counting(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.2)  # the retry arrives while the first is still running
        return await route(*args)

    dispatcher._route = counting  # type: ignore[method-assign]
    try:
        xml = wechat.message_xml(OPENID, content="帮助", msg_id=424242)
        first, retry = await asyncio.gather(wechat.post_xml(http, xml), wechat.post_xml(http, xml))
        late_retry = await wechat.post_xml(http, xml)
    finally:
        dispatcher._route = route  # type: ignore[method-assign]
    assert calls == 1
    assert first.texts == retry.texts == late_retry.texts == [HELP_TEXT]


async def test_duplicate_event_processed_once(wechat: WeChatServerSim, http: Any) -> None:
    """Events have no MsgId: FromUserName + CreateTime + Event identify a retry."""
    xml = wechat.message_xml(OPENID, "event", event="subscribe", create_time=int(time.time()))
    a = await wechat.post_xml(http, xml)
    b = await wechat.post_xml(http, xml)
    assert a.texts == b.texts == [WELCOME_TEXT]
    other = await wechat.post_xml(http, wechat.message_xml(OPENID, "event", event="subscribe",
                                                            create_time=int(time.time()) + 1))
    assert other.texts == [WELCOME_TEXT]


async def test_slow_handler_answers_success_then_customer_service(
        wechat: WeChatServerSim, http: Any, services: Any, dispatcher: Any, fake_wechat: Any) -> None:
    """Past the deadline, WeChat gets `success` and the answer follows as a customer-service message (outbox).

    The handler is held until WeChat has its answer: that the answer came at all shows it did not wait for it."""
    original = dispatcher._route
    release = asyncio.Event()

    async def slow(*args: Any) -> Any:
        await release.wait()
        return await original(*args)

    dispatcher._route = slow  # type: ignore[method-assign]
    fake_wechat.state.reset()
    try:
        r = await wechat.send(http, OPENID, "帮助")
    finally:
        release.set()
        dispatcher._route = original  # type: ignore[method-assign]
    assert r.status == 200 and r.body == "success"
    from handlers.cases.delivery import deliver_due

    for _ in range(100):
        await deliver_due(services)  # the worker's job: the late answer waits in the durable outbox
        sent = fake_wechat.state.records_of("custom")
        if sent:
            break
        await asyncio.sleep(0.05)
    assert sent and sent[0].body["touser"] == OPENID
    assert sent[0].body["text"]["content"] == HELP_TEXT


async def test_sender_rate_limited(wechat: WeChatServerSim, http: Any, services: Any) -> None:
    limit = services.settings.sender_rate_per_minute
    replies = [await wechat.send(http, OPENID, "帮助") for _ in range(limit + 1)]
    assert replies[limit - 1].texts == [HELP_TEXT]
    assert "太快" in replies[limit].texts[0]
    other = await wechat.send(http, "oSomeoneElse00000000000001", "帮助")
    assert other.texts == [HELP_TEXT]


async def test_no_openid_in_redis_keys_or_logs(wechat: WeChatServerSim, http: Any, services: Any,
                                               sensitive_log: Any) -> None:
    await wechat.send(http, OPENID, "帮助")
    await wechat.send(http, OPENID, kind="event", event="subscribe")
    keys = await written_keys(services.redis)
    assert keys, "the dedup keys should exist"
    assert not any(OPENID.encode() in k for k in keys)
    for k in keys:
        if (await services.redis.type(k)) == b"string":
            assert OPENID.encode() not in (await services.redis.get(k))
    assert OPENID not in sensitive_log.text


@pytest.mark.parametrize("drop", ["encrypt_type", "msg_signature", ""])
async def test_plain_message_refused_while_an_aes_key_is_set(wechat: WeChatServerSim, http: Any, services: Any,
                                                             drop: str) -> None:
    """Safe mode only: plain XML under a valid plain signature, or an envelope without msg_signature, is refused."""
    query, _ = wechat.envelope(wechat.message_xml(OPENID, content="帮助"))
    query.pop(drop, None)
    async with http.post(wechat.base_url + "/wechat/mp", params=query,
                         data=wechat.message_xml(OPENID, content="帮助").encode()) as r:
        assert r.status == 403
    assert await written_keys(services.redis) == []
