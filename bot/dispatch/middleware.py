"""The dispatcher's middlewares, in the manner of aiogram's BaseMiddleware: small, composable, in one list.

A middleware is `async (handler, msg, turn) -> Reply | None`: it may answer itself, or call
`handler(msg, turn)` (the next middleware, and at the end the routers) and look at what comes back.
`Turn` carries what one message's middlewares share.

Still one Redis round trip before the handler and one after: `Leases` (the outermost) runs one
script that claims the dedup key, counts the sender, tries the conversation lock and reads the
state, and the inner middlewares read its answer from `turn.begin`; what they leave to do at the
end (release the lock, store the sealed reply for WeChat's retries) `Leases` writes in one more.

    Leases        one script before, one after; the owner renews lock and claim while the handler runs
    Dedup         a message seen before gets nothing (None); a failure frees the claim for WeChat's retry
    Conversation  the conversation lock (waits for it a little) and the sealed state
    RateLimit     a sender over QINGFENG_SENDER_RATE gets RATE_LIMITED, not the handler
    User          who wrote: `Sender` (subject hash; the openid only to reply; the bound staff account lazily)

A sender with a message still waiting in the inbound backlog (bot.inbound_queue) is found by the same
script: `Leases` raises `QueueBehind` before claiming anything, and the endpoint queues this one too.
"""
from __future__ import annotations

import asyncio
import itertools
import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable, NamedTuple, Protocol

from redis.exceptions import RedisError

from bot.dispatch.message import Inbound
from bot.dispatch.reply import Reply
from bot.dispatch.sender import Sender, StaffDirectory
from bot.dispatch.state import ConversationState
from storage import keys
from storage.script_batch import ScriptBatch

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("qingfeng.dispatch")

RATE_LIMITED = "您发消息太快了,请稍等一分钟再发。"
BUSY_LOCK = "上一条消息还在处理中,请稍等几秒再发。"

PENDING = b"pending"
DEDUP_TTL_S = 600  # the answer, kept for WeChat's retries (within ~15 s); well past that
# Leases with an owner: the dedup claim ("pending") and the conversation lock last LEASE_S and the
# owner renews both every RENEW_S while its handler runs. A process that dies stops renewing, so a
# retry after LEASE_S finds the claim gone and is processed, and the villager waits at most that long.
LEASE_S = 6
LOCK_TTL_MS = LEASE_S * 1000
RENEW_S = 2.0
# One round trip before the handler. A sender with a message waiting in the inbound backlog (KEYS[7],
# "" when the caller does not queue) gets {-1} and nothing else happens: their next message queues behind
# it, in order. Else: claim the dedup key (KEYS[1], may be ""), count the sender (KEYS[2]), try the
# conversation lock (KEYS[3]), read the state and its marker (KEYS[4], KEYS[5]), note when the sender
# last wrote (KEYS[6]: WeChat's 48 h customer-service window) and read the staff bindings' version
# (KEYS[8]: whether this process's list of bound staff is still current).
BEGIN_LUA = """
if KEYS[7] ~= '' and redis.call('exists', KEYS[7]) == 1 then return {-1} end
local first = 1
if KEYS[1] ~= '' then
  if not redis.call('set', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then first = 0 end
end
local count = redis.call('incr', KEYS[2])
if count == 1 then redis.call('expire', KEYS[2], 120) end
local locked = 0
if redis.call('set', KEYS[3], ARGV[3], 'NX', 'PX', ARGV[4]) then locked = 1 end
local state = redis.call('get', KEYS[4]) or ''
local marker = redis.call('get', KEYS[5]) or ''
redis.call('set', KEYS[6], ARGV[5], 'EX', 172800)
return {first, count, locked, state, marker, redis.call('get', KEYS[8]) or ''}
"""
# Only for a handler running past RENEW_S: extend the lock if still ours, the claim if still pending.
RENEW_LUA = """
if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[3]) end
if KEYS[2] ~= '' and redis.call('get', KEYS[2]) == ARGV[2] then redis.call('pexpire', KEYS[2], ARGV[3]) end
return 1
"""
# One round trip after it: release the lock if still ours, store the sealed reply for WeChat's retries.
FINISH_LUA = """
if KEYS[1] ~= '' and redis.call('get', KEYS[1]) == ARGV[1] then redis.call('del', KEYS[1]) end
if KEYS[2] ~= '' and ARGV[2] ~= '' then redis.call('set', KEYS[2], ARGV[2], 'EX', ARGV[3]) end
return 1
"""


class Begin(NamedTuple):
    first: bool  # the dedup claim was ours: WeChat has not sent this message before
    count: int  # the sender's messages this minute
    locked: bool  # the conversation lock was free and is now ours
    state: list[bytes | None]  # the state and its marker, as read
    staff_version: bytes  # the staff bindings' version (b"" before the first binding)


class QueueBehind(Exception):
    """The sender has a message waiting in the inbound backlog: this one must queue behind it (nothing claimed)."""


@dataclass
class Turn:
    """What one message's middlewares share."""

    subject: str
    state: ConversationState
    dedup_key: str = ""
    queue_key: str = ""  # the sender's backlog mark, when the caller queues messages behind it (bot.inbound)
    seal_reply: Callable[[Reply], bytes] | None = None
    token: str = ""
    begin: Begin | None = None
    user: Sender | None = None
    hold_lock: bool = False  # set by Conversation: the lock is ours and Leases releases it at the end
    store_reply: bool = False  # set by Dedup: Leases stores the sealed reply for WeChat's retries


Next = Callable[[Inbound, Turn], Awaitable[Reply | None]]


class Middleware(Protocol):
    async def __call__(self, handler: Next, msg: Inbound, turn: Turn) -> Reply | None: ...


class Leases:
    """The one round trip before, the one after, and the renewal of lock and claim in between."""

    def __init__(self, services: "Services") -> None:
        self.services = services
        redis = services.redis
        # Run through ScriptBatch (pipelined EVALSHA); a script Redis lost is reloaded by redis-py's Script
        self._begin = redis.register_script(BEGIN_LUA)
        self._finish = redis.register_script(FINISH_LUA)
        self._renew = redis.register_script(RENEW_LUA)
        self.scripts = ScriptBatch(redis)
        # Lock tokens need only be unique among holders: a random process prefix and a counter
        self._token_prefix = os.urandom(6).hex()
        self._token_seq = itertools.count()

    async def close(self) -> None:
        await self.scripts.close()

    async def __call__(self, handler: Next, msg: Inbound, turn: Turn) -> Reply | None:
        turn.token = f"{self._token_prefix}{next(self._token_seq):x}"
        now = int(self.services.clock())
        answer = await self.scripts.run(
            self._begin, [turn.dedup_key, keys.rate("inbound", turn.subject, now // 60), turn.state.lock_key,
                          *turn.state.keys, keys.last_seen(turn.subject), turn.queue_key, keys.staff_bindings_version()],
            [PENDING, LEASE_S, turn.token, LOCK_TTL_MS, now])
        if answer[0] == -1:
            raise QueueBehind
        first, count, locked, raw, marker, staff_version = answer
        turn.begin = Begin(bool(first), int(count), bool(locked), [raw or None, marker or None], staff_version or b"")
        turn.hold_lock = bool(locked)
        heartbeat = _Renewal(self._renew, turn)
        try:
            reply = await handler(msg, turn)
        except BaseException:
            heartbeat.stop()
            await self._end(turn, None)
            raise
        heartbeat.stop()
        try:
            await self._end(turn, reply)
        except RedisError as exc:  # the work is done (maybe a case filed): the villager still gets its answer
            log.warning("reply not stored for retries: %s", type(exc).__name__)
        return reply

    async def _end(self, turn: Turn, reply: Reply | None) -> None:
        if not turn.hold_lock and not (turn.store_reply and reply is not None):
            return
        store = turn.store_reply and reply is not None and turn.seal_reply is not None
        sealed = turn.seal_reply(reply) if store else b""  # type: ignore[arg-type,misc]
        await self.scripts.run(self._finish, [turn.state.lock_key if turn.hold_lock else "",
                                              turn.dedup_key if store else ""], [turn.token, sealed, DEDUP_TTL_S])


class _Renewal:
    """Renews a handler's lock and claim every RENEW_S while it runs. A timer, not a task: the usual message ends
    long before the first renewal, and a timer costs a third of a task to start and cancel on the hot path."""

    def __init__(self, renew: Any, turn: Turn) -> None:
        self._renew, self._turn = renew, turn
        self._loop = asyncio.get_running_loop()
        self._task: asyncio.Task[None] | None = None
        self._stopped = False
        self._timer = self._loop.call_later(RENEW_S, self._fire)

    def _fire(self) -> None:
        self._task = self._loop.create_task(self._once())

    async def _once(self) -> None:
        turn = self._turn
        try:
            await self._renew(keys=[turn.state.lock_key, turn.dedup_key], args=[turn.token, PENDING, LOCK_TTL_MS])
        except RedisError as exc:
            log.warning("lease not renewed: %s", type(exc).__name__)
        if not self._stopped:
            self._timer = self._loop.call_later(RENEW_S, self._fire)

    def stop(self) -> None:
        self._stopped = True
        self._timer.cancel()
        if self._task is not None:
            self._task.cancel()


class Dedup:
    """WeChat retries a message it got no answer to: the claim is taken once, by the first delivery."""

    def __init__(self, services: "Services") -> None:
        self.redis = services.redis

    async def __call__(self, handler: Next, msg: Inbound, turn: Turn) -> Reply | None:
        assert turn.begin is not None
        if not turn.begin.first:
            return None  # Leases still releases the lock this delivery may have taken
        try:
            reply = await handler(msg, turn)
        except BaseException:
            if turn.dedup_key:
                await self.redis.delete(turn.dedup_key)  # let WeChat's retry try again
            raise
        turn.store_reply = bool(turn.dedup_key)
        return reply


class Conversation:
    """One message of a conversation at a time, and its state loaded for the handler."""

    def __init__(self, services: "Services") -> None:
        self.services = services

    async def __call__(self, handler: Next, msg: Inbound, turn: Turn) -> Reply | None:
        assert turn.begin is not None
        if turn.begin.locked:
            await turn.state.loaded(turn.begin.state)
        else:
            if not await self._wait_lock(turn):
                return Reply.text(BUSY_LOCK)
            turn.hold_lock = True
            await turn.state.load()
        return await handler(msg, turn)

    async def _wait_lock(self, turn: Turn) -> bool:
        redis = self.services.redis
        loop = asyncio.get_running_loop()
        end = loop.time() + self.services.settings.reply_deadline_s
        while loop.time() < end:
            await asyncio.sleep(0.02)
            if await redis.set(turn.state.lock_key, turn.token, nx=True, px=LOCK_TTL_MS):
                return True
        return False


class RateLimit:
    """A sender over the per-minute limit (counted in the first round trip) is told to wait."""

    def __init__(self, services: "Services") -> None:
        self.limit = services.settings.sender_rate_per_minute

    async def __call__(self, handler: Next, msg: Inbound, turn: Turn) -> Reply | None:
        assert turn.begin is not None
        if turn.begin.count > self.limit:
            return Reply.text(RATE_LIMITED)
        return await handler(msg, turn)


class User:
    """Who wrote, for the handlers: `user` (a Sender; the bound staff account loaded only when asked, and only
    from the database when this process's list of bound staff says the sender may be one)."""

    def __init__(self, services: "Services") -> None:
        self.services = services
        self.directory = StaffDirectory()

    async def __call__(self, handler: Next, msg: Inbound, turn: Turn) -> Reply | None:
        assert turn.begin is not None
        self.directory.seen_version(turn.begin.staff_version)
        turn.user = Sender(msg.channel, msg.sender, turn.subject, msg.chat_id, self.services, directory=self.directory)
        return await handler(msg, turn)


MiddlewareFactory = Callable[["Services"], Middleware]
# The order they wrap the routers in, outermost first.
MIDDLEWARES: list[MiddlewareFactory] = [Leases, Dedup, Conversation, RateLimit, User]
