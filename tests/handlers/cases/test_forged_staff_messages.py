"""Issue 20 item 1: with an AES key set, a captured callback query cannot carry forged plain XML.

The attack: take one signature/timestamp/nonce triple from a logged callback URL, drop
`encrypt_type=aes`, and post plain XML from a bound staff member's openid. The plain
signature covers no body, so the server must refuse it and no case may move. A replay of a
captured *encrypted* request is WeChat's retry: the stored reply, never a second action.
"""
from __future__ import annotations

from typing import Any

from bot.wechat_sim import WeChatServerSim, sign
from storage.models import Case, CaseEvent
from tests.handlers.cases.conftest import World


async def _post(http: Any, url: str, query: dict[str, str], body: str) -> tuple[int, str]:
    async with http.post(url, params=query, data=body.encode(), headers={"Content-Type": "text/xml"}) as r:
        return r.status, await r.text()


async def test_forged_plain_staff_command_is_refused_and_moves_no_case(world: World, wechat: WeChatServerSim,
                                                                       http: Any) -> None:
    wechat.clock = world.clock
    case = await world.file()
    events_before = await CaseEvent.filter(case_id=case.id).count()
    forged = wechat.message_xml(world.ids["nanba"], content=f"不予受理 {case.number} 经核实查无实据")
    captured, _ = wechat.envelope(wechat.message_xml("oSomeVillager", content="帮助"))
    url = wechat.base_url + "/wechat/mp"

    without_aes = {k: v for k, v in captured.items() if k != "encrypt_type"}  # the review's exact move
    status, _ = await _post(http, url, without_aes, forged)
    assert status == 403
    status, _ = await _post(http, url, captured, forged)  # encrypt_type kept, plain body
    assert status == 403
    ts, nonce = captured["timestamp"], captured["nonce"]
    bare = {"signature": sign(wechat.token, ts, nonce), "timestamp": ts, "nonce": nonce}
    status, _ = await _post(http, url, bare, forged)  # a fresh plain signature: still no body covered
    assert status == 403

    fresh = await Case.get(id=case.id)
    assert fresh.status == "received"
    assert await CaseEvent.filter(case_id=case.id).count() == events_before


async def test_replayed_encrypted_staff_command_gets_the_stored_reply_and_acts_once(
        world: World, wechat: WeChatServerSim, http: Any) -> None:
    wechat.clock = world.clock
    case = await world.file()
    query, body = wechat.envelope(wechat.message_xml(world.ids["nanba"], content=f"受理 {case.number}"))
    url = wechat.base_url + "/wechat/mp"
    first = await _post(http, url, query, body)
    replay = await _post(http, url, query, body)  # same nonce, same signature: answered, not refused
    assert first[0] == replay[0] == 200
    assert wechat.read_reply(first[1]) == wechat.read_reply(replay[1])
    assert "已受理" in wechat.read_reply(replay[1])[0]
    assert (await Case.get(id=case.id)).status == "accepted"
    assert await CaseEvent.filter(case_id=case.id, kind="accepted").count() == 1
