"""The dispatcher's middlewares: composed from one list, each a small piece, one Redis round trip before the handler."""
from __future__ import annotations

from typing import Any

from bot.dispatch import Dispatcher, Inbound, Reply, Router
from bot.dispatch.middleware import MIDDLEWARES, RATE_LIMITED, Next, Turn


def _msg(text: str, sender: str = "oMiddleware0001", msg_id: str = "") -> Inbound:
    return Inbound(channel="mp", sender=sender, kind="text", text=text, msg_id=msg_id or text, create_time=1)


async def _commands_between(services: Any, run: Any) -> dict[str, int]:
    """What Redis executed on this test's database while `run` ran, Lua's own commands included.

    MONITOR, filtered to our db, between two ECHO markers: other xdist workers share the server (and its
    server-wide INFO counters) but not the db.
    """
    db = int(services.redis.connection_pool.connection_kwargs.get("db", 0))
    seen: dict[str, int] = {}
    async with services.redis.monitor() as m:
        await services.redis.echo("qf-test-start")
        await run()
        await services.redis.echo("qf-test-end")
        started = False
        while True:
            cmd = await m.next_command()
            if cmd["db"] != db:
                continue
            name, _, rest = cmd["command"].partition(" ")
            name = name.lower()
            if name == "echo" and rest in ("qf-test-start", "qf-test-end"):
                if rest == "qf-test-end":
                    return seen
                started = True
                continue
            if started:
                seen[name] = seen.get(name, 0) + 1


async def test_one_redis_round_trip_runs_before_the_handler(services: Any) -> None:
    in_handler: list[dict[str, int]] = []
    r = Router("count")

    @r.text(lambda m, c: True)
    async def anything() -> Reply:
        # the handler marks the point it was reached; the count below stops there
        await services.redis.echo("qf-test-end")
        return Reply.text("好")

    d = Dispatcher(services, [r])
    try:
        await d.handle(_msg("热身"), dedup_key="qf:test:dedup:0")  # loads the scripts once

        async def second() -> None:
            await d.handle(_msg("第二条"), dedup_key="qf:test:dedup:1")

        in_handler.append(await _commands_between(services, second))
        # One EVALSHA (what the script does inside Redis: claim, lock and last-seen SETs, the rate INCR,
        # the state, marker and staff-bindings-version GETs): no other command left the process before the
        # handler ran.
        assert in_handler[0] == {"evalsha": 1, "set": 3, "incr": 1, "get": 3}, in_handler[0]
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
