"""Past the in-flight limit a villager is told to wait at once and answered later, nothing lost (issue 14 item 9).

Real HTTP: the app on a real port, the WeChat simulator posting encrypted messages, the fake WeChat API
receiving the customer-service messages the outbox sends.
"""
from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from bot.inbound_queue import SHED, backlog_of
from bot.wechat_sim import WeChatServerSim
from handlers import report_texts as T
from handlers.cases.delivery import DeliveryConfig, deliver_due
from handlers.help import HELP_TEXT
from storage import keys
from storage.models import OutboxMessage

BUSY = "oVillagerBusy000000000000001"
LATE = "oVillagerLate000000000000001"
FAST = DeliveryConfig(backoff_base=0.05, backoff_cap=0.1, lease_s=5.0)


async def _until(check: Any, what: str, tries: int = 200) -> None:
    for _ in range(tries):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(what)


async def test_past_the_in_flight_limit_a_villager_waits_and_gets_every_answer_later_in_order(
        wechat: WeChatServerSim, http: Any, services: Any, dispatcher: Any, fake_wechat: Any,
        registry_loaded: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "settings", services.settings.with_(inflight_limit=1))
    backlog = backlog_of(services, dispatcher)
    release = asyncio.Event()
    route = dispatcher._route

    async def held(msg: Any, turn: Any) -> Any:
        if msg.sender == BUSY:
            await release.wait()  # one message takes the process's whole limit
        return await route(msg, turn)

    monkeypatch.setattr(dispatcher, "_route", held)
    busy = asyncio.ensure_future(wechat.send(http, BUSY, "帮助"))

    async def full() -> bool:
        return backlog.in_flight == 1

    await _until(full, "the first message is in flight", tries=600)  # a loaded CI host is slow to start it
    fake_wechat.state.reset()
    first = await wechat.send(http, LATE, "帮助", msg_id=880_000_001)
    assert first.texts == [SHED], "answered at once, not after the slow one"
    assert (await wechat.send(http, LATE, "帮助", msg_id=880_000_001)).texts == [SHED], "WeChat's retry: queued once"
    second = await wechat.send(http, LATE, "举报", msg_id=880_000_002)
    assert second.texts == [SHED], "a later message of the same villager queues behind the first"
    impatient = await wechat.send(http, LATE, "举报", msg_id=880_000_003)
    assert impatient.texts == [SHED], "typed again while the first waits: one answer will do for both"
    stream = [f for _, f in await services.redis.xrange(keys.inbound_backlog())]
    assert len(stream) == 2 and all(LATE.encode() not in v and "举报".encode() not in v
                                    for f in stream for v in f.values()), "queued sealed, once each"

    release.set()
    assert (await busy).texts == [HELP_TEXT]

    async def answered() -> bool:
        return await OutboxMessage.filter(status="pending").count() == 2 and \
            not await services.redis.exists(keys.inbound_waiting(services.cipher.subject_hash("mp", LATE)))

    await _until(answered, "the queued messages were processed into the outbox", tries=400)
    await deliver_due(services, FAST)
    sent = [r.body["text"]["content"] for r in fake_wechat.records if r.body.get("touser") == LATE]
    assert sent == [HELP_TEXT, T.START], "each answer once, in the order the villager wrote"
    assert await services.redis.xlen(keys.inbound_backlog()) == 0, "nothing left behind"
    replay = await wechat.send(http, LATE, "帮助", msg_id=880_000_001)
    assert replay.texts == [HELP_TEXT], "a retry after the processing gets the answer itself"
    assert (await wechat.send(http, LATE, "南坝镇胡家庄村的村支书把我家低保扣了")).texts == [T.MORE], \
        "the conversation went on from the queued 举报: under the limit again, answered at once"


async def test_a_message_read_while_the_process_filled_up_waits_for_room_instead_of_going_past_the_limit(
        services: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The consumer waits inside Redis (a blocking read) with room for one; a message in time takes that
    room before the queued one arrives. The queued one must not run beside it: it waits, still in the stream."""
    monkeypatch.setattr(services, "settings", services.settings.with_(inflight_limit=1))
    handled: list[str] = []

    class Recording:
        async def handle(self, msg: Any, dedup_key: Any = None, subject: str = "") -> Any:
            handled.append(msg.content)
            from bot.dispatch import Reply

            return Reply.empty()

    from bot.dispatch import Inbound
    from bot.inbound_queue import GROUP, Backlog

    # a stream of its own: a consumer another test of this process left running must not take the entry
    stream = f"qf:test:inbound:{uuid.uuid4().hex}"
    monkeypatch.setattr(keys, "inbound_backlog", lambda: stream)
    backlog = Backlog(services, Recording())  # type: ignore[arg-type]
    await services.redis.xgroup_create(keys.inbound_backlog(), GROUP, id="0", mkstream=True)
    reading = asyncio.ensure_future(backlog.drain_once(block_ms=3000))  # under the client's 5 s socket timeout
    await asyncio.sleep(0.2)  # the read is waiting in Redis, room for one counted before it
    release = asyncio.Event()
    in_time = asyncio.ensure_future(backlog.counted(release.wait()))
    await _until(lambda: _true(backlog.in_flight == 1), "the message in time is counted")
    msg = Inbound(channel="mp", sender=LATE, kind="text", text="帮助", msg_id="880000009", create_time=1)
    subject = services.cipher.subject_hash("mp", LATE)
    assert (await backlog.enqueue(msg, "qf:test:dedup:queued", subject)).texts == [SHED]
    assert await asyncio.wait_for(reading, 10) == 1, "the blocked read returned the queued message"
    await asyncio.sleep(0.2)
    assert handled == [] and backlog.in_flight == 1, "not run past the limit of one"
    assert await services.redis.xlen(keys.inbound_backlog()) == 1, "still queued"
    release.set()
    await in_time
    assert await backlog.drain_once() == 1
    await _until(lambda: _true(handled == ["帮助"] and backlog.in_flight == 0), "run once room came")
    await _until(lambda: _xlen_is(services, 0), "acknowledged and gone from the stream")
    await backlog.stop()


async def _true(value: bool) -> bool:
    return value


async def _xlen_is(services: Any, n: int) -> bool:
    return await services.redis.xlen(keys.inbound_backlog()) == n
