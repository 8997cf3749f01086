"""Load shedding: past the in-flight limit a message is queued, answered "正在处理，请稍候" at once (issue 14 item 9).

    POST /wechat/mp|work ──(in flight < QINGFENG_INFLIGHT_LIMIT)──> dispatch as usual
         │     └─ the dispatcher's first round trip finds this sender's mark (a message waiting): QueueBehind
         └─ else, or on QueueBehind: claim the dedup key ("queued"), XADD the sealed message to a Redis stream, passive reply SHED
    consumer (every server process, a consumer group): XREADGROUP while there is room under the limit,
         one sender's messages in order ──> Dispatcher.handle ──> answer sealed for WeChat's retries
         ──> services.reply_later (the durable outbox: a customer-service message) ──> XACK
    an entry whose consumer died (not acknowledged within CLAIM_IDLE_MS) is taken over by XAUTOCLAIM
    the same message typed again while the first still waits (a villager who did not wait) is not queued twice

The stream holds the message sealed (openid and text are personal data); nothing is acknowledged before
its answer is in the outbox, so a crash re-processes (filings are idempotent on their draft) and never drops.
Order per sender holds within a process: a sender with a queued message has the next ones queued behind it.
"""
from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from redis.exceptions import RedisError

from bot.dispatch import Inbound, Reply
from bot.dispatch.dispatcher import DEDUP_TTL_S
from storage import keys

if TYPE_CHECKING:
    from bot.dispatch import Dispatcher
    from bot.services import Services

log = logging.getLogger("qingfeng.inbound")

SHED = "正在处理，请稍候。答复稍后发给您，不用重发。"
QUEUED = b"queued"  # the dedup key of a message waiting in the stream: a WeChat retry gets SHED again
GROUP = "servers"
CLAIM_IDLE_MS = 60_000  # a consumer that held an entry this long without acknowledging it is taken to be dead
BATCH = 64
WAITING_TTL_S = 3600  # a sender's "something queued" mark, should a consumer die between its work and the mark


class Backlog:
    """The in-flight count of one server process and its share of the durable inbound queue."""

    def __init__(self, services: "Services", dispatcher: "Dispatcher") -> None:
        self.services, self.dispatcher = services, dispatcher
        self.in_flight = 0
        self.consumer = f"{os.uname().nodename}-{os.getpid()}-{os.urandom(3).hex()}"
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._chains: dict[str, list[tuple[bytes, dict[str, Any]]]] = {}  # sender -> its entries taken, in order
        self._held: set[bytes] = set()
        self._ready: list[tuple[bytes, dict[bytes, bytes]]] = []  # ours in the group, not started for want of room
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def limit(self) -> int:
        return self.services.settings.inflight_limit

    def full(self) -> bool:
        """Past this process's in-flight limit. (A sender whose earlier message still waits in the queue, by
        any process, is found by the dispatcher's first round trip: `QueueBehind`, and queued too.)"""
        return self.in_flight >= self.limit

    def counted(self, coro: Any) -> Any:
        """Run `coro` counted as in flight (a message being dispatched, on time or late)."""
        async def run() -> Any:
            self.in_flight += 1
            try:
                return await coro
            finally:
                self.in_flight -= 1
                self._wake.set()
        return run()

    async def enqueue(self, msg: Inbound, dedup_key: str, subject: str) -> Reply | None:
        """Queue the message; None when its dedup key shows it was seen before (a WeChat retry)."""
        redis = self.services.redis
        if not await redis.set(dedup_key, QUEUED, nx=True, ex=DEDUP_TTL_S):
            return None
        # The villager typed the same again while the first is still waiting: that one answers both
        mark = self.services.cipher.lookup_hash(f"{msg.kind}:{msg.content}:{msg.media_id}", purpose="queued")
        if (await redis.get(keys.inbound_last(subject)) or b"").decode() == mark:
            return self._told_to_wait(msg)
        doc = {"msg": dataclasses.asdict(msg), "key": dedup_key, "subject": subject, "mark": mark}
        try:
            async with redis.pipeline(transaction=True) as pipe:
                pipe.set(keys.inbound_last(subject), mark, ex=WAITING_TTL_S)
                pipe.xadd(keys.inbound_backlog(), {"m": self.services.cipher.seal(json.dumps(doc, ensure_ascii=False))})
                pipe.incr(keys.inbound_waiting(subject))
                pipe.expire(keys.inbound_waiting(subject), WAITING_TTL_S)
                await pipe.execute()
        except BaseException:
            await redis.delete(dedup_key)  # not queued: WeChat's retry must find the message unseen
            raise
        from bot import metrics

        metrics.message_queued(msg.channel)
        self._wake.set()
        return self._told_to_wait(msg)

    @staticmethod
    def _told_to_wait(msg: Inbound) -> Reply:
        # said to a villager in a private chat; an event or a group message gets WeChat's plain `success`
        return Reply.text(SHED) if msg.kind != "event" and not msg.in_group else Reply.empty()

    # -- the consumer
    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        for task in list(self._tasks):  # unacknowledged: another server (or this one, restarted) takes them
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _run(self) -> None:
        redis = self.services.redis
        while True:
            try:
                try:
                    await redis.xgroup_create(keys.inbound_backlog(), GROUP, id="0", mkstream=True)
                except Exception as exc:  # BUSYGROUP: made already (by this or another process)
                    if "BUSYGROUP" not in str(exc):
                        raise
                while True:
                    if not await self.drain_once(block_ms=1000):
                        self._wake.clear()
                        try:
                            await asyncio.wait_for(self._wake.wait(), 1.0)
                        except asyncio.TimeoutError:
                            pass
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis or the database away: the entries wait in the stream
                if "NOGROUP" in str(exc):  # Redis restarted empty (or was flushed): make the group again
                    continue
                log.warning("inbound queue: %s; retrying", type(exc).__name__)
                await asyncio.sleep(1.0)

    async def drain_once(self, block_ms: int = 0) -> int:
        """Take what fits under the limit now (taken-over entries first) without waiting for it to finish:
        each sender's entries run one after another, senders in parallel. Returns how many were taken (started, or
        read while the room filled up and kept here in order until there is room again)."""
        redis = self.services.redis
        room = self.limit - self.in_flight  # a message ending wakes the loop; new ones queue while it is full
        if room <= 0:
            return 0
        if self._ready:  # read earlier while the process filled up: theirs is the first room
            taken, self._ready = self._ready[:room], self._ready[room:]
            return self._start(taken)
        _, claimed, *_ = await redis.xautoclaim(keys.inbound_backlog(), GROUP, self.consumer, CLAIM_IDLE_MS,
                                                "0-0", count=min(room, BATCH))
        entries = [e for e in claimed if e[0] not in self._held]  # ours already, waiting behind their sender
        if not entries:
            got = await redis.xreadgroup(GROUP, self.consumer, {keys.inbound_backlog(): ">"},
                                         count=min(room, BATCH), block=block_ms or None)
            entries = [e for _, batch in got for e in batch] if got else []
        # the read may have waited in Redis while messages in time took the room: the rest wait here, in order
        room = max(self.limit - self.in_flight, 0)
        self._held.update(entry_id for entry_id, _ in entries)
        self._ready.extend(entries[room:])
        return self._start(entries[:room]) + len(entries[room:])

    def _start(self, entries: list[tuple[bytes, dict[bytes, bytes]]]) -> int:
        for entry_id, fields in entries:
            doc = json.loads(self.services.cipher.open(fields[b"m"].decode()))
            self.in_flight += 1  # counted from now: read, waiting behind its sender or running
            self._chains.setdefault(doc["subject"], []).append((entry_id, doc))
            if len(self._chains[doc["subject"]]) == 1:
                self._tasks.add(task := asyncio.ensure_future(self._chain(doc["subject"])))
                task.add_done_callback(self._tasks.discard)
        return len(entries)

    async def _chain(self, subject: str) -> None:
        chain = self._chains[subject]
        while chain:
            entry_id, doc = chain[0]
            try:
                await self._one(entry_id, doc)
            except Exception as exc:  # left unacknowledged: taken over again after CLAIM_IDLE_MS
                log.warning("queued message not processed yet: %s", type(exc).__name__)
            finally:
                chain.pop(0)
                self._held.discard(entry_id)
                self.in_flight -= 1
                self._wake.set()
        del self._chains[subject]

    async def _one(self, entry_id: bytes, doc: dict[str, Any]) -> None:
        msg = Inbound(**doc["msg"])
        subject = doc["subject"]
        reply = await self.dispatcher.handle(msg, dedup_key=None, subject=subject)
        redis = self.services.redis
        texts = reply.texts if reply is not None else []
        if texts:
            await self.services.reply_later(msg.channel, msg.sender, texts)
        sealed = self.services.cipher.seal(json.dumps(texts, ensure_ascii=False))
        await redis.set(doc["key"], sealed, ex=DEDUP_TTL_S)  # a retry from now on gets the answer itself
        if (await redis.get(keys.inbound_last(subject)) or b"").decode() == doc.get("mark"):
            await redis.delete(keys.inbound_last(subject))  # answered: the same words again are a new message
        async with redis.pipeline(transaction=True) as pipe:
            pipe.xack(keys.inbound_backlog(), GROUP, entry_id)
            pipe.xdel(keys.inbound_backlog(), entry_id)
            pipe.decr(keys.inbound_waiting(subject))
            left = (await pipe.execute())[-1]
        if int(left) <= 0:
            await redis.delete(keys.inbound_waiting(subject))


_BACKLOGS: "WeakKeyDictionary[Dispatcher, Backlog]" = WeakKeyDictionary()


def backlog_of(services: "Services", dispatcher: "Dispatcher") -> Backlog:
    """One per process (per dispatcher): both WeChat endpoints count against the same limit."""
    if dispatcher not in _BACKLOGS:
        _BACKLOGS[dispatcher] = Backlog(services, dispatcher)
    return _BACKLOGS[dispatcher]


def mount(app: Any, services: "Services") -> None:
    """A mount (bot.app._mounts): the consumer runs while the server does."""
    from bot.app import DISPATCHER

    backlog = backlog_of(services, app[DISPATCHER])

    async def start(_: Any) -> None:
        backlog.start()

    async def stop(_: Any) -> None:
        await backlog.stop()

    app.on_startup.append(start)
    app.on_cleanup.insert(0, stop)
