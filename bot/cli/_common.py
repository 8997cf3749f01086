"""Helpers shared by commands: run a coroutine with the database (and Redis) open."""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, TypeVar

from bot.config import Settings, load_settings
from storage import db

T = TypeVar("T")


def with_db(fn: Callable[[Settings], Awaitable[T]], settings: Settings | None = None) -> T:
    settings = settings or load_settings()

    async def run() -> T:
        await db.init(settings.db_url)
        try:
            return await fn(settings)
        finally:
            await db.close()

    return asyncio.run(run())


def with_services(fn: Callable[[Any], Awaitable[T]], settings: Settings | None = None) -> T:
    """Run `fn(services)` with the database, Redis and HTTP session open."""
    from bot.app import build_services, close_services

    settings = settings or load_settings()

    async def run() -> T:
        services = await build_services(settings)
        try:
            return await fn(services)
        finally:
            await close_services(services)

    return asyncio.run(run())
