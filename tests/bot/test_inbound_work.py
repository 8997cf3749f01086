"""/wechat/work (WeCom): the encrypted handshake, private and group messages, bad signatures."""
from __future__ import annotations

import time
from typing import Any

import pytest

from bot.wechat_sim import WeChatServerSim, sign
from handlers.help import GROUP_HELP_TEXT, HELP_TEXT
from tests.bot.redis_written import written_keys


@pytest.fixture
def wecom(app_server: Any, settings: Any, services: Any) -> WeChatServerSim:
    return WeChatServerSim(str(app_server.make_url("")).rstrip("/"), settings.wecom_token, settings.wecom_aes_key,
                           settings.wecom_corpid, channel="work")


async def test_work_handshake_decrypts_echostr(wecom: WeChatServerSim, http: Any) -> None:
    ts, nonce = str(int(time.time())), "n2"
    enc = wecom.crypto.encrypt_message("<xml/>", nonce, ts)  # any ciphertext will do for the handshake
    import xmltodict

    echostr = xmltodict.parse(enc)["xml"]["Encrypt"]
    q = {"msg_signature": sign(wecom.token, ts, nonce, echostr), "timestamp": ts, "nonce": nonce, "echostr": echostr}
    async with http.get(wecom.base_url + "/wechat/work", params=q) as r:
        assert r.status == 200 and await r.text() == "<xml/>"
    q["msg_signature"] = "0" * 40
    async with http.get(wecom.base_url + "/wechat/work", params=q) as r:
        assert r.status == 403


async def test_work_private_and_group_help(wecom: WeChatServerSim, http: Any) -> None:
    private = await wecom.send(http, "zhangsan", "帮助")
    assert private.status == 200 and private.texts == [HELP_TEXT]
    group = await wecom.send(http, "lisi", "帮助", chat_id="wrGroupHujia01")
    assert group.texts == [GROUP_HELP_TEXT]


async def test_work_bad_signature_refused(wecom: WeChatServerSim, http: Any, services: Any) -> None:
    query, body = wecom.envelope(wecom.message_xml("zhangsan", content="帮助"))
    query["msg_signature"] = "e" * 40
    async with http.post(wecom.base_url + "/wechat/work", params=query, data=body) as r:
        assert r.status == 403
    assert await written_keys(services.redis) == []


async def test_work_plain_message_refused(wecom: WeChatServerSim, http: Any, services: Any) -> None:
    query, _ = wecom.envelope(wecom.message_xml("zhangsan", content="帮助"))
    async with http.post(wecom.base_url + "/wechat/work", params=query,
                         data=wecom.message_xml("zhangsan", content="帮助").encode()) as r:
        assert r.status == 403
    assert await written_keys(services.redis) == []
