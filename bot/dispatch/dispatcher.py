"""The dispatch core: middleware, then the first matching handler of the routers in order.

Middleware, per message: hash the sender into a `subject` (nothing below sees
the openid but the handlers that must reply to it), rate-limit the sender, take
the conversation lock, load the state, build the handler context. Routers are
tried in order; global keywords (取消, 帮助) come first so they work at any step.
"""
from __future__ import annotations

import asyncio
import itertools
import logging
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from redis.exceptions import RedisError

from bot.dispatch.message import Inbound
from bot.dispatch.reply import Reply
from bot.dispatch.router import Router, SkipHandler
from bot.dispatch.state import ConversationState
from storage import keys
from storage.script_batch import ScriptBatch

if TYPE_CHECKING:
    from bot.services import Services
    from storage.models import Staff

log = logging.getLogger("qingfeng.dispatch")

RATE_LIMITED = "您发消息太快了,请稍等一分钟再发。"
EXPIRED = "您之前的操作超过{minutes}分钟没有继续,已自动取消,没有保存任何内容。需要时请重新开始。"
FAILED = "系统暂时出了点问题,请稍后再发一次。给您带来不便,非常抱歉。"
BUSY_LOCK = "上一条消息还在处理中,请稍等几秒再发。"

PENDING = b"pending"
DEDUP_TTL_S = 600  # the answer, kept for WeChat's retries (within ~15 s); well past that
# Leases with an owner: the dedup claim ("pending") and the conversation lock last LEASE_S and the
# owner renews both every RENEW_S while its handler runs. A process that dies stops renewing, so a
# retry after LEASE_S finds the claim gone and is processed, and the villager waits at most that long.
LEASE_S = 6
LOCK_TTL_MS = LEASE_S * 1000
RENEW_S = 2.0
# One round trip before the handler: claim the dedup key (KEYS[1], may be ""), count the sender
# (KEYS[2]), try the conversation lock (KEYS[3]), read the state and its marker (KEYS[4], KEYS[5]),
# and note when the sender last wrote (KEYS[6]): WeChat's 48 h customer-service window.
BEGIN_LUA = """
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
return {first, count, locked, state, marker}
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


class Lazy:
    """A context value computed only when a handler asks for it."""

    def __init__(self, factory: Callable[[], Awaitable[Any]]) -> None:
        self.factory = factory


@dataclass
class Sender:
    """Who wrote. `openid` is personal data: use it only to reply; key storage by `subject`."""

    channel: str
    openid: str
    subject: str
    chat_id: str = ""
    _services: "Services | None" = field(default=None, repr=False)
    _staff: Any = field(default=False, repr=False)

    async def staff(self) -> "Staff | None":
        """The staff account bound to this WeChat identity, if any (loaded once)."""
        if self._staff is False:
            from storage.models import StaffBinding

            subjects = [self.subject]
            if self._services is not None and len(self._services.cipher.hmac_keys) > 1:  # a rotation under way
                subjects = self._services.cipher.all_subject_hashes(self.channel, self.openid)
            binding = await StaffBinding.filter(subject_hash__in=subjects).prefetch_related("staff").first()
            self._staff = binding.staff if binding and binding.staff.is_active else None
        return self._staff  # type: ignore[return-value]


class Dispatcher:
    def __init__(self, services: "Services", routers: list[Router], *, fallback: Callable[..., Awaitable[Reply]] | None = None) -> None:
        self.services = services
        self.routers = routers
        self.fallback = fallback
        # Run through ScriptBatch (pipelined EVALSHA); a script Redis lost is reloaded by redis-py's Script
        self._begin = services.redis.register_script(BEGIN_LUA)
        self._finish_script = services.redis.register_script(FINISH_LUA)
        self._renew = services.redis.register_script(RENEW_LUA)
        self._scripts = ScriptBatch(services.redis)
        # Lock tokens need only be unique among holders: a random process prefix and a counter
        self._token_prefix = os.urandom(6).hex()
        self._token_seq = itertools.count()

    async def close(self) -> None:
        await self._scripts.close()

    def subject_of(self, channel: str, sender: str) -> str:
        return self.services.cipher.subject_hash(channel, sender)

    async def handle(self, msg: Inbound, *, dedup_key: str | None = None,
                     seal_reply: Callable[[Reply], bytes] | None = None, subject: str | None = None) -> Reply | None:
        """Run the middleware and the handler. With `dedup_key`, return None when the message was seen before.

        Redis work is batched: one round trip claims the dedup key, counts the sender, takes the
        conversation lock and reads the state; one more releases the lock and stores the reply.
        """
        s = self.services.settings
        redis = self.services.redis
        subject = subject or self.subject_of(msg.channel, msg.sender)
        state = ConversationState(redis, msg.channel, msg.chat_id or "private", subject, s.state_ttl_s,
                                  cipher=self.services.cipher)
        token = f"{self._token_prefix}{next(self._token_seq):x}"
        now = int(self.services.clock())
        first, count, locked, raw, marker = await self._scripts.run(
            self._begin, [dedup_key or "", keys.rate("inbound", subject, now // 60), state.lock_key, *state.keys,
                          keys.last_seen(subject)], [PENDING, LEASE_S, token, LOCK_TTL_MS, now])
        raw = [raw or None, marker or None]
        if not first:
            if locked:
                await self._finish(state.lock_key, token, None, None, None)
            return None
        heartbeat = asyncio.ensure_future(self._keep_leases(state.lock_key, dedup_key or "", token))
        try:
            if not locked:
                if not await self._wait_lock(state.lock_key, token):
                    reply = Reply.text(BUSY_LOCK)
                    await self._finish(None, token, dedup_key, seal_reply, reply)
                    return reply
                await state.load()
            else:
                await state.loaded(raw)
            if int(count) > s.sender_rate_per_minute:
                reply = Reply.text(RATE_LIMITED)
            else:
                reply = await self._route(msg, subject, state)
        except BaseException:
            heartbeat.cancel()
            await self._finish(state.lock_key, token, None, None, None)
            if dedup_key:
                await redis.delete(dedup_key)  # let WeChat's retry try again
            raise
        heartbeat.cancel()
        try:
            await self._finish(state.lock_key, token, dedup_key, seal_reply, reply)
        except RedisError as exc:  # the work is done (maybe a case filed): the villager still gets its answer
            log.warning("reply not stored for retries: %s", type(exc).__name__)
        return reply

    async def _keep_leases(self, lock_key: str, dedup_key: str, token: str) -> None:
        """Renew this handler's lock and claim while it runs (a no-op for the usual fast message)."""
        while True:
            await asyncio.sleep(RENEW_S)
            try:
                await self._renew(keys=[lock_key, dedup_key], args=[token, PENDING, LOCK_TTL_MS])
            except RedisError as exc:
                log.warning("lease not renewed: %s", type(exc).__name__)

    async def _wait_lock(self, lock_key: str, token: str) -> bool:
        redis = self.services.redis
        loop = asyncio.get_running_loop()
        end = loop.time() + self.services.settings.reply_deadline_s
        while loop.time() < end:
            await asyncio.sleep(0.02)
            if await redis.set(lock_key, token, nx=True, px=LOCK_TTL_MS):
                return True
        return False

    async def _finish(self, lock_key: str | None, token: str, dedup_key: str | None,
                      seal_reply: Callable[[Reply], bytes] | None, reply: Reply | None) -> None:
        sealed = seal_reply(reply) if dedup_key and seal_reply and reply is not None else b""
        await self._scripts.run(self._finish_script, [lock_key or "", dedup_key or ""], [token, sealed, DEDUP_TTL_S])

    async def _route(self, msg: Inbound, subject: str, state: ConversationState) -> Reply:
        services = self.services
        user = Sender(msg.channel, msg.sender, subject, msg.chat_id, services)
        ctx: dict[str, Any] = {
            "msg": msg, "state": state, "user": user, "services": services,
            "settings": services.settings, "redis": services.redis, "cipher": services.cipher,
            "registry": Lazy(services.registry),
        }
        notice = Reply.empty()
        if state.expired_flow:
            notice = Reply.text(EXPIRED.format(minutes=services.settings.state_ttl_s // 60))
        for router in self.routers:
            for handler, found in router.matches(msg, ctx):
                call_ctx = {**ctx, **found}
                for name in handler.params:
                    if isinstance(call_ctx.get(name), Lazy):
                        call_ctx[name] = await call_ctx[name].factory()
                log.debug("message routed to %s.%s", router.name, handler.fn.__name__)
                try:
                    return notice + await handler.call(call_ctx)
                except SkipHandler:
                    continue
        if self.fallback is not None:
            return notice + await self.fallback(msg=msg, state=state, user=user, services=services)
        return notice
