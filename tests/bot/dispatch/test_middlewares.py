"""The dispatcher's middlewares: composed from one list, each a small piece, one Redis round trip before the handler."""
from __future__ import annotations

from typing import Any

from bot.dispatch import Dispatcher, Inbound, Reply, Router
from bot.dispatch.middleware import MIDDLEWARES, RATE_LIMITED, Next, Turn


def _msg(text: str, sender: str = "oMiddleware0001", msg_id: str = "") -> Inbound:
    return Inbound(channel="mp", sender=sender, kind="text", text=text, msg_id=msg_id or text, create_time=1)


async def _commands(services: Any) -> dict[str, int]:
    stats = await services.redis.info("commandstats")
    return {k.removeprefix("cmdstat_"): int(v["calls"]) for k, v in stats.items()}


async def test_one_redis_round_trip_runs_before_the_handler(services: Any) -> None:
    before: list[dict[str, int]] = []
    r = Router("count")

    @r.text(lambda m, c: True)
    async def anything() -> Reply:
        before.append(await _commands(services))
        return Reply.text("好")

    d = Dispatcher(services, [r])
    try:
        await d.handle(_msg("热身"), dedup_key="qf:test:dedup:0")  # loads the scripts once
        start = await _commands(services)
        await d.handle(_msg("第二条"), dedup_key="qf:test:dedup:1")
        seen = {k: n - start.get(k, 0) for k, n in before[-1].items() if n != start.get(k, 0)}
        # One EVALSHA (what the script does inside Redis: claim, lock and last-seen SETs, the rate INCR,
        # the state, marker and staff-bindings-version GETs), then the handler's own INFO: no other command
        # left the process.
        assert seen == {"evalsha": 1, "set": 3, "incr": 1, "get": 3, "info": 1}, seen
    finally:
        await d.close()


async def test_a_middleware_added_to_the_list_wraps_every_message_and_may_answer_itself(services: Any) -> None:
    """As aiogram's BaseMiddleware: a county's "under maintenance" notice is one class in the list."""
    seen: list[str] = []

    class Maintenance:
        def __init__(self, services: Any) -> None:
            pass

        async def __call__(self, handler: Next, msg: Inbound, turn: Turn) -> Reply | None:
            seen.append(msg.content)
            if msg.content == "维护中":
                return Reply.text("系统维护中,请稍后再发。")
            return await handler(msg, turn)

    r = Router("echo")

    @r.text(lambda m, c: True)
    async def echo(msg: Inbound) -> Reply:
        return Reply.text("收到:" + msg.content)

    d = Dispatcher(services, [r], middlewares=[*MIDDLEWARES, Maintenance])
    try:
        assert (await d.handle(_msg("你好"))).texts == ["收到:你好"]
        assert (await d.handle(_msg("维护中"))).texts == ["系统维护中,请稍后再发。"]
        assert seen == ["你好", "维护中"]
        # the lock was released after the middleware's own answer: the next message is not kept waiting
        assert (await d.handle(_msg("再来"))).texts == ["收到:再来"]
    finally:
        await d.close()


async def test_rate_limit_answers_before_the_handler_and_a_retry_gets_the_stored_answer(services: Any) -> None:
    calls: list[str] = []
    r = Router("echo")

    @r.text(lambda m, c: True)
    async def echo(msg: Inbound) -> Reply:
        calls.append(msg.content)
        return Reply.text("收到")

    d = Dispatcher(services, [r])
    limit = services.settings.sender_rate_per_minute
    try:
        for i in range(limit):
            await d.handle(_msg(f"第{i}条", msg_id=f"m{i}"))
        over = await d.handle(_msg("超了", msg_id="over"), dedup_key="qf:test:dedup:over", seal_reply=lambda r: b"x")
        assert over is not None and over.texts == [RATE_LIMITED] and "超了" not in calls
        assert await d.handle(_msg("超了", msg_id="over"), dedup_key="qf:test:dedup:over") is None  # seen before
    finally:
        await d.close()
