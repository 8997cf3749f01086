"""The dispatch core: the middlewares (bot/dispatch/middleware.py, in the order `MIDDLEWARES` lists),
then the first matching handler of the routers in order.

The middlewares hash nothing: the caller gives the sender's `subject` (or the dispatcher computes it once),
and nothing below sees the openid but the handlers that must reply to it. Routers are tried in order;
global keywords (取消, 帮助) come first so they work at any step.
"""
from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from bot.dispatch.message import Inbound
from bot.dispatch.middleware import (BUSY_LOCK, DEDUP_TTL_S, LEASE_S, LOCK_TTL_MS, MIDDLEWARES, PENDING,
                                     RATE_LIMITED, RENEW_S, Leases, Middleware, MiddlewareFactory, Next, Turn)
from bot.dispatch.reply import Reply
from bot.dispatch.router import Router, SkipHandler
from bot.dispatch.sender import Sender
from bot.dispatch.state import ConversationState

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("qingfeng.dispatch")

EXPIRED = "您之前的操作超过{minutes}分钟没有继续,已自动取消,没有保存任何内容。需要时请重新开始。"
FAILED = "系统暂时出了点问题,请稍后再发一次。给您带来不便,非常抱歉。"
# Re-exported: the hot path's constants live with the middlewares that use them.
__all__ = ["Dispatcher", "Lazy", "Sender", "EXPIRED", "FAILED", "BUSY_LOCK", "RATE_LIMITED", "PENDING",
           "DEDUP_TTL_S", "LEASE_S", "LOCK_TTL_MS", "RENEW_S"]


class Lazy:
    """A context value computed only when a handler asks for it."""

    def __init__(self, factory: Callable[[], Awaitable[Any]]) -> None:
        self.factory = factory


class Dispatcher:
    def __init__(self, services: "Services", routers: list[Router], *,
                 fallback: Callable[..., Awaitable[Reply]] | None = None,
                 middlewares: list[MiddlewareFactory] | None = None) -> None:
        self.services = services
        self.routers = routers
        self.fallback = fallback
        self.middlewares: list[Middleware] = [make(services) for make in (middlewares or MIDDLEWARES)]
        chain: Next = lambda msg, turn: self._route(msg, turn)  # looked up per call: tests wrap _route
        for mw in reversed(self.middlewares):
            chain = partial(mw, chain)
        self._chain = chain

    async def close(self) -> None:
        for mw in self.middlewares:
            if isinstance(mw, Leases):
                await mw.close()

    def subject_of(self, channel: str, sender: str) -> str:
        return self.services.cipher.subject_hash(channel, sender)

    async def handle(self, msg: Inbound, *, dedup_key: str | None = None,
                     seal_reply: Callable[[Reply], bytes] | None = None, subject: str | None = None,
                     queue_key: str = "") -> Reply | None:
        """Run the middlewares and the handler. With `dedup_key`, return None when the message was seen before.
        With `queue_key` (the sender's backlog mark), raise QueueBehind when a message of theirs waits there.

        Redis work is batched: one round trip claims the dedup key, counts the sender, takes the
        conversation lock and reads the state; one more releases the lock and stores the reply.
        """
        s = self.services.settings
        subject = subject or self.subject_of(msg.channel, msg.sender)
        state = ConversationState(self.services.redis, msg.channel, msg.chat_id or "private", subject, s.state_ttl_s,
                                  cipher=self.services.cipher)
        return await self._chain(msg, Turn(subject, state, dedup_key or "", queue_key, seal_reply))

    async def _route(self, msg: Inbound, turn: Turn) -> Reply:
        services, state = self.services, turn.state
        user = turn.user or Sender(msg.channel, msg.sender, turn.subject, msg.chat_id, services)
        ctx: dict[str, Any] = {
            "msg": msg, "state": state, "user": user, "services": services,
            "settings": services.settings, "redis": services.redis, "cipher": services.cipher,
            "registry": Lazy(services.registry),
        }
        notice = Reply.empty()
        if state.expired_flow:
            notice = Reply.text(EXPIRED.format(minutes=services.settings.state_ttl_s // 60))
        for router in self.routers:
            for handler in router.handlers:  # as Router.find, going on past a SkipHandler
                found = handler.match(msg, ctx)
                if found is None:
                    continue
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
