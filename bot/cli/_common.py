"""Helpers shared by commands: run a coroutine with the database (and Redis) open."""
from __future__ import annotations

import asyncio
import sys
from typing import Any, Awaitable, Callable, Iterable, TypeVar

from bot.config import Settings, load_settings
from storage import audit, db

T = TypeVar("T")


def with_db(fn: Callable[[Settings], Awaitable[T]], settings: Settings | None = None) -> T:
    settings = settings or load_settings()

    async def run() -> T:
        await db.init(settings.db_url)
        anchor = _anchor_redis(settings)
        audit.bind(settings.audit_key, anchor, legacy_until=settings.audit_legacy_until)
        try:
            return await fn(settings)
        finally:
            await db.close()
            if anchor is not None:
                await anchor.aclose()

    return asyncio.run(run())


def _anchor_redis(settings: Settings) -> Any:
    """Where a command's audit entries anchor the head, as a server's do (else `audit verify` would find the
    newest entries unanchored): the configured Redis, or the embedded one only if a server runs it now
    (starting one for a head it would forget at exit is no anchor). An unreachable Redis only logs."""
    from storage import redis as redis_conn

    url = settings.redis_url or redis_conn.running_embedded(settings.var_dir)
    return redis_conn.connect(url) if url else None


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


NOT_MIGRATED = 3  # exit status of `serve` and `worker` on a database whose schema is behind the code


def refuse_unmigrated(command: str, settings: Settings) -> int | None:
    """NOT_MIGRATED with a message naming what is missing, or None when the schema is current."""
    import sys

    try:
        pending = asyncio.run(db.pending_migrations(settings.db_url))
    except OSError as exc:  # the database cannot be reached at all: say so, not a traceback
        print(f"qingfeng {command}: cannot reach the database ({type(exc).__name__}: {exc.strerror or exc})",
              file=sys.stderr)
        return NOT_MIGRATED
    if not pending:
        return None
    shown = ", ".join(pending[:5]) + (f" and {len(pending) - 5} more" if len(pending) > 5 else "")
    print(f"qingfeng {command}: the database schema is not up to date ({len(pending)} migration(s) not applied: "
          f"{shown}). Run `qingfeng migrate` with the same DATABASE_URL first.", file=sys.stderr)
    return NOT_MIGRATED


def print_bad_rows(command: str, file: object, problems: Iterable[Any]) -> None:
    """An import refused whole: every bad row with its line number, on stderr."""
    problems = list(problems)
    print(f"{command}: {file}: {len(problems)} bad row(s), nothing imported:", file=sys.stderr)
    print_rows(problems)


def print_rows(problems: Iterable[Any], prefix: str = "") -> None:
    for p in problems:
        print(f"  - {prefix}line {p.line}: {p.reason}", file=sys.stderr)
