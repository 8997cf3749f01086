"""The fake refuses what WeChat refuses: a token, an openid, a template of another app; bad data."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.config import Settings
from bot.fake_wechat import FakeWeChat
from bot.wechat_api import MiniProgramClient, MpClient, WeChatAPIError
from outbound_fixtures import (  # noqa: F401  (pytest fixtures)
    fake, http, make_mp, mini, redis, redis_url, settings, wecom,
)

SUB_DATA = {"character_string1": "NB-2026-0001", "phrase2": "已受理", "date3": "2026年12月2日", "thing4": "查看详情"}


async def _errcode(call: Any) -> int:
    with pytest.raises(WeChatAPIError) as caught:
        await call
    return caught.value.errcode


async def _mini_user(mini: MiniProgramClient, code: str = "code-of-reporter") -> str:
    return str((await mini.code2session(code))["openid"])


async def test_subscribe_with_the_official_accounts_token_is_refused(
        make_mp: Callable[..., MpClient], mini: MiniProgramClient, fake: FakeWeChat, settings: Settings) -> None:
    openid = await _mini_user(mini)
    fake.state.accept_subscribe(openid, settings.tpl.reporter_subscribe)
    mp = make_mp()
    # the defect of issue 16: the official account's client posting to subscribe/send
    assert await _errcode(mp._post("/cgi-bin/message/subscribe/send", {
        "touser": openid, "template_id": settings.tpl.reporter_subscribe,
        "data": {k: {"value": v} for k, v in SUB_DATA.items()}})) == 48001
    await mini.send_subscribe(openid, settings.tpl.reporter_subscribe, SUB_DATA, page="pages/case/index")
    assert [(r.kind, r.appid) for r in fake.records] == [("subscribe", settings.miniapp_appid)]


async def test_a_mini_program_openid_is_not_a_follower_of_the_official_account(
        make_mp: Callable[..., MpClient], mini: MiniProgramClient, settings: Settings) -> None:
    openid = await _mini_user(mini)
    assert await _errcode(make_mp().send_text(openid, "您的举报已受理")) == 40003
    assert await _errcode(make_mp().send_template(openid, settings.tpl.reporter,
                                                  {"character_string1": "NB-2026-0001"})) == 40003


async def test_an_official_account_openid_cannot_get_a_subscribe_message(
        make_mp: Callable[..., MpClient], mini: MiniProgramClient, fake: FakeWeChat, settings: Settings) -> None:
    follower = "oOfficialFollower000000000001"
    fake.state.follow(follower)
    await make_mp().send_text(follower, "您好")
    assert await _errcode(mini.send_subscribe(follower, settings.tpl.reporter_subscribe, SUB_DATA)) == 40003


async def test_a_template_belongs_to_the_app_that_picked_it(
        make_mp: Callable[..., MpClient], mini: MiniProgramClient, fake: FakeWeChat, settings: Settings) -> None:
    openid = await _mini_user(mini)
    fake.state.accept_subscribe(openid, settings.tpl.reporter)
    # the official account's template id in a subscribe message, and the reverse
    assert await _errcode(mini.send_subscribe(openid, settings.tpl.reporter, SUB_DATA)) == 40037
    follower = "oOfficialFollower000000000002"
    assert await _errcode(make_mp().send_template(follower, settings.tpl.reporter_subscribe, SUB_DATA)) == 40037
    assert await _errcode(make_mp().send_template(follower, "", {})) == 40037


async def test_a_subscribe_message_needs_the_users_acceptance(
        mini: MiniProgramClient, fake: FakeWeChat, settings: Settings) -> None:
    openid = await _mini_user(mini)
    tpl = settings.tpl.reporter_subscribe
    assert await _errcode(mini.send_subscribe(openid, tpl, SUB_DATA)) == 43101
    fake.state.accept_subscribe(openid, tpl, times=1)  # a one-time subscription: one message
    await mini.send_subscribe(openid, tpl, SUB_DATA)
    assert await _errcode(mini.send_subscribe(openid, tpl, SUB_DATA)) == 43101
    assert len(fake.state.records_of("subscribe")) == 1


@pytest.mark.parametrize(("key", "value"), [
    ("thing4", "这是一条超过二十个字的提示文字会被微信拒绝的内容"),  # thing: at most 20 characters
    ("phrase2", "已开始调查核实"),  # phrase: at most 5 Chinese characters
    ("character_string1", "编号NB-1"),  # character_string: letters, digits, symbols
    ("date3", "2026-12-02"),  # date: 年月日
    ("thing9", "不是模板里的字段"),
])
async def test_subscribe_data_breaking_wechats_rules_is_refused(
        mini: MiniProgramClient, fake: FakeWeChat, settings: Settings, key: str, value: str) -> None:
    openid = await _mini_user(mini)
    fake.state.accept_subscribe(openid, settings.tpl.reporter_subscribe)
    with pytest.raises(WeChatAPIError) as caught:
        await mini.send_subscribe(openid, settings.tpl.reporter_subscribe, {**SUB_DATA, key: value})
    assert caught.value.errcode == 47003 and f"data.{key}" in caught.value.errmsg
    missing = {k: v for k, v in SUB_DATA.items() if k != "thing4"}
    assert await _errcode(mini.send_subscribe(openid, settings.tpl.reporter_subscribe, missing)) == 47003


async def test_an_unknown_or_foreign_token_is_an_invalid_credential(
        make_mp: Callable[..., MpClient], fake: FakeWeChat, http: Any) -> None:
    async with http.post(fake.base_url + "/cgi-bin/message/custom/send", params={"access_token": "made-up"},
                         json={"touser": "oOfficialFollower000000000003", "msgtype": "text",
                               "text": {"content": "x"}}) as resp:
        assert (await resp.json())["errcode"] == 40001
    wecom_token = await fake_wecom_token(http, fake)
    async with http.post(fake.base_url + "/cgi-bin/message/custom/send", params={"access_token": wecom_token},
                         json={"touser": "oOfficialFollower000000000003", "msgtype": "text",
                               "text": {"content": "x"}}) as resp:
        assert (await resp.json())["errcode"] == 40001  # a WeCom token is no official-account token


async def fake_wecom_token(http: Any, fake: FakeWeChat) -> str:
    corpid, secret = next(iter(fake.state.corps.items()))
    async with http.get(fake.wecom_base + "/cgi-bin/gettoken", params={"corpid": corpid, "corpsecret": secret}) as r:
        return str((await r.json())["access_token"])


async def test_a_video_is_fetched_from_the_video_url_wechat_answers(make_mp: Callable[..., MpClient]) -> None:
    data, ctype = await make_mp().get_media("video0001")
    assert ctype == "video/mp4" and data[4:8] == b"ftyp"


async def test_the_menu_is_held_to_wechats_limits(make_mp: Callable[..., MpClient]) -> None:
    mp = make_mp()
    four = {"button": [{"type": "click", "name": n, "key": n} for n in ("A", "B", "C", "D")]}
    assert await _errcode(mp.create_menu(four)) == 40016
    long_name = {"button": [{"type": "click", "name": "反映问题和查询进度", "key": "REPORT"}]}  # > 16 bytes
    assert await _errcode(mp.create_menu(long_name)) == 40018
    no_key = {"button": [{"type": "click", "name": "举报"}]}
    assert await _errcode(mp.create_menu(no_key)) == 40019
    from bot.wechat_menu import MENU

    await mp.create_menu(MENU)
    assert (await mp.get_menu())["menu"] == MENU
