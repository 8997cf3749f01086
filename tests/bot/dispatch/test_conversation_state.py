"""Conversation state in Redis: TTL, the expiry notice, the per-conversation lock, and what the keys hold."""
from __future__ import annotations

import asyncio
from typing import Any

from bot.dispatch import ConversationState, Dispatcher, Inbound, Keyword, Reply, Router, State, StatesGroup
from bot.dispatch.reply import MAX_TEXT_BYTES, split_text


class Demo(StatesGroup):
    step_one = State()
    step_two = State()


def _router(seen: list[str]) -> Router:
    r = Router("demo")

    @r.text(Keyword("开始"))
    async def start(state: ConversationState) -> Reply:
        await state.set(Demo.step_one, secret="草稿")
        return Reply.text("第一步")

    @r.text(Demo.step_one)
    async def one(msg: Inbound, state: ConversationState) -> Reply:
        seen.append(msg.content)
        await asyncio.sleep(0.3)
        await state.set(Demo.step_two)
        return Reply.text("第二步")

    @r.text(Demo.step_two)
    async def two(msg: Inbound, state: ConversationState) -> Reply:
        seen.append(msg.content)
        await state.clear()
        return Reply.text("完成")

    return r


def _msg(text: str, sender: str = "oStateUser0001") -> Inbound:
    return Inbound(channel="mp", sender=sender, kind="text", text=text, msg_id=text, create_time=1)


async def test_state_has_ttl_and_holds_no_openid(services: Any) -> None:
    d = Dispatcher(services, [_router([])])
    await d.handle(_msg("开始"))
    keys = [k async for k in services.redis.scan_iter("qf:fsm*")]
    assert keys and all(b"oStateUser0001" not in k for k in keys)
    ttls = [await services.redis.ttl(k) for k in keys]
    state_ttl = services.settings.state_ttl_s
    assert any(0 < t <= state_ttl for t in ttls)  # the state itself
    assert all(t > 0 for t in ttls)  # nothing lives forever


async def test_expired_flow_is_told_and_keeps_nothing(services: Any) -> None:
    d = Dispatcher(services, [_router([])])
    await d.handle(_msg("开始"))
    state_key = [k async for k in services.redis.scan_iter("qf:fsm:*")][0]
    await services.redis.delete(state_key)  # what the TTL does after 30 minutes
    reply = await d.handle(_msg("随便说点"))
    assert "已自动取消" in reply.texts[0]
    assert [k async for k in services.redis.scan_iter("qf:fsm*")] == []
    again = await d.handle(_msg("随便说点"))
    assert again.texts == []  # told once


async def test_one_conversation_is_handled_one_message_at_a_time(services: Any) -> None:
    seen: list[str] = []
    d = Dispatcher(services, [_router(seen)])
    await d.handle(_msg("开始"))
    # Two messages at once: the lock makes the second see the state the first left.
    r1, r2 = await asyncio.gather(d.handle(_msg("甲")), d.handle(_msg("乙")))
    assert seen == ["甲", "乙"]
    assert {r1.texts[0], r2.texts[0]} == {"第二步", "完成"}


async def test_other_conversations_are_not_blocked(services: Any) -> None:
    d = Dispatcher(services, [_router([])])
    await d.handle(_msg("开始", sender="oA"))
    await d.handle(_msg("开始", sender="oB"))
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    await asyncio.gather(d.handle(_msg("x", sender="oA")), d.handle(_msg("y", sender="oB")))
    assert loop.time() - t0 < 0.55  # 0.3 s each, run side by side


def test_long_reply_split_within_wechat_limit() -> None:
    text = "\n".join(f"第{i}条记录:农村低保 1560.00元 2026-03-15 胡家庄村" for i in range(200))
    parts = split_text(text)
    assert len(parts) > 1
    assert all(len(p.encode()) <= 2048 for p in parts)
    assert parts[0].endswith(f"(1/{len(parts)})")
    joined = "".join(p.rsplit("\n(", 1)[0] for p in parts)
    assert joined.count("第") == 200  # nothing lost at the cuts
    one_line = "举" * 3000
    assert all(len(p.encode()) <= MAX_TEXT_BYTES + 20 for p in split_text(one_line))
