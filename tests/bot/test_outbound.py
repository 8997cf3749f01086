"""Outbound WeChat/WeCom clients against the fake API and a real Redis (SPEC "Outbound")."""
from __future__ import annotations

import asyncio
import logging
import socket
import traceback
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
import redis.asyncio as aioredis

from bot.config import Settings
from bot.fake_wechat import FakeWeChat, fake_openid
from bot.wechat_api import (
    ERR_HTTP, ERR_NETWORK, ERR_TIMEOUT, MiniProgramClient, MpClient, TokenCache, WeChatAPIError, WeComClient,
)
from tests.bot.outbound_fixtures import (  # noqa: F401  (pytest fixtures)
    WEBHOOK_KEY, fake, http, make_mp, mini, redis, redis_url, settings, wecom,
)
from storage import keys

OPENID = fake_openid("villager-1")
SEND_PATH = "/cgi-bin/message/custom/send"

MakeMp = Callable[..., MpClient]


async def _control(http: aiohttp.ClientSession, fake: FakeWeChat, path: str, body: Any = None) -> Any:
    method = "POST" if body is not None or path in ("/_fake/reset", "/_fake/expire_tokens") else "GET"
    async with http.request(method, fake.base_url + path, json=body) as resp:
        assert resp.status == 200, await resp.text()
        return await resp.json()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- token cache -----------------------------------------------------------------------

async def test_token_fetched_once_and_shared_by_clients(
    make_mp: MakeMp, fake: FakeWeChat, redis: aioredis.Redis, settings: Settings
) -> None:
    first, second = make_mp(), make_mp()
    await first.send_text(OPENID, "您的举报已受理，编号 A123")
    await first.send_text(OPENID, "乡镇纪委已开始核查")
    await second.send_template(OPENID, settings.tpl.reporter, {"character_string1": "NB-2026-0001", "thing2": "核查中"},
                               url="https://x/1")

    assert fake.state.tokens_issued == {"mp": 1}
    assert [r.kind for r in fake.records] == ["custom", "custom", "template"]
    assert fake.records[2].body["data"]["thing2"] == {"value": "核查中"}
    # Cached with WeChat's expiry minus the safety margin.
    ttl = await redis.ttl(keys.access_token("mp", settings.wechat_appid))
    assert 7200 - 300 - 5 <= ttl <= 7200 - 300


async def test_concurrent_refresh_fetches_one_token(make_mp: MakeMp, fake: FakeWeChat) -> None:
    clients = [make_mp(), make_mp()]
    await asyncio.gather(*(clients[i % 2].send_text(OPENID, f"通知 {i}") for i in range(10)))
    assert fake.state.tokens_issued == {"mp": 1}
    assert sorted(r.body["text"]["content"] for r in fake.records) == sorted(f"通知 {i}" for i in range(10))


async def test_expired_token_is_refreshed_once_and_the_send_succeeds(
    make_mp: MakeMp, fake: FakeWeChat, http: aiohttp.ClientSession
) -> None:
    client = make_mp()
    await client.send_text(OPENID, "第一条")
    await _control(http, fake, "/_fake/expire_tokens")
    await client.send_text(OPENID, "第二条")
    assert fake.state.tokens_issued == {"mp": 2}
    assert fake.state.requests[SEND_PATH] == 3  # one rejected with 42001, then the retry
    assert [r.body["text"]["content"] for r in fake.records] == ["第一条", "第二条"]


async def test_revoked_wecom_token_is_replaced(wecom: WeComClient, fake: FakeWeChat, redis: aioredis.Redis,
                                              settings: Settings) -> None:
    # A token that WeCom no longer knows (40014), e.g. left over from another deployment.
    await redis.set(keys.access_token("work", settings.wecom_corpid), "stale-token", ex=600)
    await wecom.send_text("zhangsan", "新线索：石桥村")
    assert fake.state.tokens_issued == {"work": 1}
    assert await wecom.access_token() != "stale-token"
    assert len(fake.state.records_of("wecom_app")) == 1


async def test_token_error_is_retried_only_once(make_mp: MakeMp, fake: FakeWeChat, http: aiohttp.ClientSession) -> None:
    await _control(http, fake, "/_fake/fail", {"count": 2, "mode": "errcode", "errcode": 40001})
    client = make_mp()
    with pytest.raises(WeChatAPIError) as caught:
        await client.send_text(OPENID, "不会送达")
    assert caught.value.errcode == 40001
    assert fake.state.tokens_issued == {"mp": 2} and fake.state.requests[SEND_PATH] == 2
    await client.send_text(OPENID, "送达")
    assert [r.body["text"]["content"] for r in fake.records] == ["送达"]


# --- failures --------------------------------------------------------------------------

@pytest.mark.parametrize(("fail", "errcode"), [
    ({"mode": "http500"}, ERR_HTTP),
    ({"mode": "timeout"}, ERR_TIMEOUT),
    ({"mode": "busy"}, -1),
    ({"mode": "errcode", "errcode": 45009}, 45009),
])
async def test_transient_failures_are_retryable(
    make_mp: MakeMp, fake: FakeWeChat, http: aiohttp.ClientSession, fail: dict[str, Any], errcode: int
) -> None:
    client = make_mp()
    await client.access_token()
    await _control(http, fake, "/_fake/fail", {"count": 1, **fail})
    with pytest.raises(WeChatAPIError) as caught:
        await client.send_text(OPENID, "稍后重试")
    assert (caught.value.errcode, caught.value.retryable) == (errcode, True)
    assert fake.records == []
    await client.send_text(OPENID, "稍后重试")  # the worker's retry goes through
    assert len(fake.records) == 1


async def test_unreachable_api_is_retryable(make_mp: MakeMp) -> None:
    with pytest.raises(WeChatAPIError) as caught:
        await make_mp(base=f"http://127.0.0.1:{_free_port()}").send_text(OPENID, "x")
    assert (caught.value.errcode, caught.value.retryable) == (ERR_NETWORK, True)


@pytest.mark.parametrize(("openid", "fail", "errcode"), [
    ("not-an-openid", None, 40003),
    (OPENID, {"mode": "errcode", "errcode": 43004}, 43004),  # unsubscribed
    (OPENID, {"mode": "errcode", "errcode": 45015}, 45015),  # outside the 48 h window
])
async def test_permanent_failures_are_not_retryable(
    make_mp: MakeMp, fake: FakeWeChat, http: aiohttp.ClientSession, openid: str, fail: dict[str, Any] | None,
    errcode: int,
) -> None:
    if fail:
        await _control(http, fake, "/_fake/fail", {"count": 1, **fail})
    with pytest.raises(WeChatAPIError) as caught:
        await make_mp().send_text(openid, "您的举报已办结")
    assert (caught.value.errcode, caught.value.retryable) == (errcode, False)
    assert fake.records == []


async def test_text_over_2048_bytes_is_rejected(make_mp: MakeMp, wecom: WeComClient, fake: FakeWeChat) -> None:
    client = make_mp()
    at_limit = "举" * 682 + "ab"  # 2048 bytes of UTF-8
    await client.send_text(OPENID, at_limit)
    for send in (lambda t: client.send_text(OPENID, t), lambda t: wecom.webhook_send(WEBHOOK_KEY, t)):
        with pytest.raises(WeChatAPIError) as caught:
            await send("举" * 683)
        assert (caught.value.errcode, caught.value.retryable) == (45002, False)
    assert [r.body["text"]["content"] for r in fake.records] == [at_limit]


# --- mini-program and WeCom --------------------------------------------------------------

async def test_code2session(mini: MiniProgramClient, http: aiohttp.ClientSession, fake: FakeWeChat,
                            settings: Settings) -> None:
    first = await mini.code2session("code-of-villager-1")
    assert first["openid"] == fake_openid("code-of-villager-1")
    assert first["session_key"] and first["unionid"]
    assert (await mini.code2session("code-of-villager-1"))["openid"] == first["openid"]
    assert (await mini.code2session("code-of-villager-2"))["openid"] != first["openid"]

    with pytest.raises(WeChatAPIError) as caught:
        await mini.code2session("invalid")
    assert (caught.value.errcode, caught.value.retryable) == (40029, False)
    wrong_secret = MiniProgramClient(http, mini._tokens._redis, fake.base_url, settings.miniapp_appid, "not-the-secret")
    with pytest.raises(WeChatAPIError) as caught:
        await wrong_secret.code2session("code-of-villager-1")
    assert caught.value.errcode == 40125


async def test_wecom_app_message_and_group_robot(wecom: WeComClient, fake: FakeWeChat, http: aiohttp.ClientSession,
                                                 settings: Settings) -> None:
    await wecom.send_text("monitor-li", "您有一条新线索待接收")
    await wecom.webhook_send(WEBHOOK_KEY, "【公示】本月办结 12 件")
    with pytest.raises(WeChatAPIError) as caught:
        await wecom.webhook_send("unknown-robot", "x")
    assert caught.value.errcode == 93000

    app_msg, = fake.state.records_of("wecom_app")
    assert app_msg.path == "/wecom/cgi-bin/message/send"
    assert (app_msg.body["touser"], app_msg.body["agentid"]) == ("monitor-li", int(settings.wecom_agentid))
    assert app_msg.body["text"]["content"] == "您有一条新线索待接收"
    # The control API serves the same records, filtered by kind.
    robot, = await _control(http, fake, "/_fake/records?kind=webhook")
    assert robot["body"]["text"]["content"] == "【公示】本月办结 12 件"
    assert fake.state.tokens_issued == {"work": 1}  # robots need no token


async def test_fake_checks_credentials_and_json(make_mp: MakeMp, fake: FakeWeChat, http: aiohttp.ClientSession,
                                               redis: aioredis.Redis, settings: Settings) -> None:
    wrong_app = MpClient(http, redis, fake.base_url, "wx-unknown", settings.wechat_secret)
    with pytest.raises(WeChatAPIError) as caught:
        await wrong_app.access_token()
    assert caught.value.errcode == 40013
    token = await make_mp().access_token()
    async with http.post(f"{fake.base_url}{SEND_PATH}", params={"access_token": token}, data=b"{not json") as resp:
        assert (await resp.json())["errcode"] == 47001
    await _control(http, fake, "/_fake/reset")
    assert (await _control(http, fake, "/_fake/stats"))["tokens_issued"] == {}


# --- privacy -------------------------------------------------------------------------------

async def test_logs_and_errors_name_no_openid_token_or_secret(
    make_mp: MakeMp, mini: MiniProgramClient, wecom: WeComClient, fake: FakeWeChat, http: aiohttp.ClientSession,
    settings: Settings, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_mp()
    await client.send_text(OPENID, "您好")
    await _control(http, fake, "/_fake/expire_tokens")
    await client.send_text(OPENID, "您好")  # 42001, refresh, retry
    await _control(http, fake, "/_fake/fail", {"count": 1, "mode": "busy"})
    with pytest.raises(WeChatAPIError):
        await client.send_template(OPENID, "TPL", {"first": "x"})
    session = await mini.code2session("code-of-villager-1")
    await wecom.send_text("monitor-li", "新线索")
    await wecom.webhook_send(WEBHOOK_KEY, "公示")
    with pytest.raises(WeChatAPIError) as unreachable:  # the cached token goes into this URL
        await make_mp(base=f"http://127.0.0.1:{_free_port()}").send_text(OPENID, "x")

    text = caplog.text
    assert "errcode 42001" in text and "errcode -1" in text  # failures are logged, by errcode
    secrets = [OPENID, session["openid"], session["session_key"], "monitor-li", WEBHOOK_KEY,
               settings.wechat_secret, settings.miniapp_secret, settings.wecom_secret, *fake.state.tokens]
    error_text = "".join(traceback.format_exception(unreachable.value))
    for secret in secrets:
        assert secret not in text
        assert secret not in error_text


async def test_dropping_a_stale_token_keeps_a_fresh_one(redis: aioredis.Redis, settings: Settings) -> None:
    fetched: list[str] = []

    async def fetch() -> tuple[str, int]:
        fetched.append(f"token-{len(fetched) + 1}")
        return fetched[-1], 7200

    cache = TokenCache(redis, "mp", settings.wechat_appid, fetch)
    stale = await cache.get()
    # Meanwhile another process met an error with `stale` and stored a fresh token.
    await redis.set(keys.access_token("mp", settings.wechat_appid), "token-from-elsewhere", ex=600)
    await cache.invalidate(stale)
    assert await cache.get() == "token-from-elsewhere"
    assert fetched == ["token-1"]
