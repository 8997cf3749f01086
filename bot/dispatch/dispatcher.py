"""The dispatch core: middleware, then the first matching handler of the routers in order.

Middleware, per message: hash the sender into a `subject` (nothing below sees
the openid but the handlers that must reply to it), rate-limit the sender, take
the conversation lock, load the state, build the handler context. Routers are
tried in order; global keywords (取消, 帮助) come first so they work at any step.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from bot.dispatch.message import Inbound
from bot.dispatch.reply import Reply
from bot.dispatch.router import Router
from bot.dispatch.state import ConversationState
from storage import keys

if TYPE_CHECKING:
    from bot.services import Services
    from storage.models import Staff

log = logging.getLogger("qingfeng.dispatch")

RATE_LIMITED = "您发消息太快了,请稍等一分钟再发。"
EXPIRED = "您之前的操作超过{minutes}分钟没有继续,已自动取消,没有保存任何内容。需要时请重新开始。"
FAILED = "系统暂时出了点问题,请稍后再发一次。给您带来不便,非常抱歉。"
BUSY_LOCK = "上一条消息还在处理中,请稍等几秒再发。"


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

            binding = await StaffBinding.get_or_none(subject_hash=self.subject).prefetch_related("staff")
            self._staff = binding.staff if binding and binding.staff.is_active else None
        return self._staff  # type: ignore[return-value]


class Dispatcher:
    def __init__(self, services: "Services", routers: list[Router], *, fallback: Callable[..., Awaitable[Reply]] | None = None) -> None:
        self.services = services
        self.routers = routers
        self.fallback = fallback

    def subject_of(self, channel: str, sender: str) -> str:
        return self.services.cipher.lookup_hash(f"{channel}:{sender}", purpose="subject")[:32]

    async def _rate_ok(self, subject: str) -> bool:
        redis = self.services.redis
        window = int(self.services.clock()) // 60
        key = keys.rate("inbound", subject, window)
        async with redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, 120)
            count, _ = await pipe.execute()
        return int(count) <= self.services.settings.sender_rate_per_minute

    async def handle(self, msg: Inbound) -> Reply:
        subject = self.subject_of(msg.channel, msg.sender)
        if not await self._rate_ok(subject):
            return Reply.text(RATE_LIMITED)
        s = self.services.settings
        state = ConversationState(self.services.redis, msg.channel, msg.chat_id or "private", subject, s.state_ttl_s)
        lock = self.services.redis.lock(state.lock_key, timeout=30, blocking_timeout=s.reply_deadline_s)
        if not await lock.acquire():
            return Reply.text(BUSY_LOCK)
        try:
            await state.load()
            return await self._route(msg, subject, state)
        finally:
            try:
                await lock.release()
            except Exception:  # lock expired under a very slow handler: nothing to release
                pass

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
            hit = router.find(msg, ctx)
            if hit is None:
                continue
            handler, found = hit
            call_ctx = {**ctx, **found}
            for name in handler.params:
                if isinstance(call_ctx.get(name), Lazy):
                    call_ctx[name] = await call_ctx[name].factory()
            log.debug("message routed to %s.%s", router.name, handler.fn.__name__)
            return notice + await handler.call(call_ctx)
        if self.fallback is not None:
            return notice + await self.fallback(msg=msg, state=state, user=user, services=services)
        return notice
