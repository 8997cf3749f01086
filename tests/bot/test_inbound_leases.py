"""The dedup claim and the conversation lock are leases with an owner (issue 14 item 5): a message
whose first attempt died with its process is processed on WeChat's retry, and the dead process's
lock frees the conversation within the lease, not after 30 s."""
from __future__ import annotations

import asyncio
from typing import Any

from bot.dispatch import dispatcher as dispatcher_module
from bot.dispatch.dispatcher import PENDING
from bot.wechat_sim import WeChatServerSim
from handlers.help import HELP_TEXT
from storage import keys

OPENID = "oVillagerLease00000000000001"


async def test_a_retry_after_the_first_attempts_owner_died_is_processed(
        wechat: WeChatServerSim, http: Any, services: Any) -> None:
    subject = services.cipher.subject_hash("mp", OPENID)
    msg_id = 7_700_000_001
    # What a process killed mid-message leaves behind: its claim and its lock, each with the lease's TTL
    await services.redis.set(keys.inbound_dedup("mp", f"{subject}:{msg_id}"), PENDING, px=800)
    await services.redis.set(keys.fsm_lock("mp", "private", subject), b"dead-process-token", px=800)
    retry = await wechat.send(http, OPENID, "帮助", msg_id=msg_id)  # WeChat's retry: the same MsgId
    assert retry.texts == [HELP_TEXT], "processed, not swallowed with `success`"
    again = await wechat.send(http, OPENID, "帮助", msg_id=msg_id)
    assert again.texts == [HELP_TEXT], "and still once: a later retry gets the stored answer"


async def test_the_conversation_lock_and_claim_are_short_leases_renewed_while_the_handler_runs(
        wechat: WeChatServerSim, http: Any, services: Any, dispatcher: Any) -> None:
    subject = services.cipher.subject_hash("mp", OPENID)
    lock_key = keys.fsm_lock("mp", "private", subject)
    original = dispatcher._route
    seen: list[int] = []

    async def slow(*args: Any) -> Any:
        for _ in range(3):  # past several renewals
            await asyncio.sleep(dispatcher_module.RENEW_S)
            seen.append(await services.redis.pttl(lock_key))
        return await original(*args)

    dispatcher._route = slow  # type: ignore[method-assign]
    try:
        await wechat.send(http, OPENID, "帮助")
        for _ in range(200):
            if len(seen) == 3:
                break
            await asyncio.sleep(0.05)
    finally:
        dispatcher._route = original  # type: ignore[method-assign]
        await services.drain()
    assert len(seen) == 3 and all(0 < t <= dispatcher_module.LOCK_TTL_MS for t in seen), seen
    assert dispatcher_module.LOCK_TTL_MS <= 10_000, "a dead process blocks its villager for seconds, not 30 s"
