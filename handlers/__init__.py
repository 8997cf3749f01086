"""Conversation flows. `routers()` gives them in the order the dispatcher tries them:
global keywords first (取消, 帮助 work at any step), then flows, then free text."""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from bot.dispatch import Reply, Router


def routers() -> list[Router]:
    from handlers.help import help_router

    return [help_router]


def fallback() -> Callable[..., Awaitable[Reply]]:
    from handlers.help import fallback as fb

    async def call(**ctx: Any) -> Reply:
        return await fb(ctx["msg"])

    return call
