"""Database setup: one tortoise config for SQLite (laptop) and PostgreSQL (production).

Each feature area is a tortoise app with its own migrations package, so two
areas can grow their schema without their migration chains colliding.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from tortoise import Tortoise

from storage.china_time import CHINA_TZ

# app label -> (models module, migrations package)
APPS: dict[str, tuple[str, str]] = {
    "core": ("storage.models", "storage.migrations"),
    "subsidy": ("storage.models.subsidy_watch", "storage.migrations_subsidy"),
    "admin": ("storage.models.admin", "storage.migrations_admin"),
    "lifecycle": ("storage.models.lifecycle", "storage.migrations_lifecycle"),
    "compare": ("storage.models.compare", "storage.migrations_compare"),
    "publication": ("storage.models.publication", "storage.migrations_publication"),
    "operator": ("storage.models.operator", "storage.migrations_operator"),
    "drafts": ("storage.models.drafts", "storage.migrations_drafts"),
    "consent": ("storage.models.consent", "storage.migrations_consent"),
}


COMMAND_TIMEOUT_S = 15.0  # every PostgreSQL statement (`?command_timeout=` in DATABASE_URL overrides)
CONNECT_TIMEOUT_S = 5.0


def normalize_url(url: str) -> str:
    """Accept the usual spellings (postgresql://, postgres://) for asyncpg."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "asyncpg://" + url[len(prefix):]
    return url


def tortoise_config(db_url: str) -> dict[str, Any]:
    url = normalize_url(db_url)
    if url.startswith("sqlite://"):
        path = url[len("sqlite://"):]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection: Any = url
    if url.startswith("asyncpg://"):
        from tortoise.backends.base.config_generator import expand_db_url

        # A hung PostgreSQL fails the call instead of holding the caller forever
        connection = expand_db_url(url)
        connection["credentials"].setdefault("timeout", CONNECT_TIMEOUT_S)
        connection["credentials"]["command_timeout"] = float(connection["credentials"].get(
            "command_timeout", COMMAND_TIMEOUT_S))
    return {
        "connections": {"default": connection},
        "apps": {
            label: {"models": [models], "migrations": migrations, "default_connection": "default"}
            for label, (models, migrations) in APPS.items()
        },
        "use_tz": True,
        "timezone": CHINA_TZ.key,
    }


async def init(db_url: str) -> None:
    await Tortoise.init(config=tortoise_config(db_url))


async def close() -> None:
    await Tortoise.close_connections()


async def migrate(db_url: str, *, progress: Any = None) -> None:
    """Apply every pending migration of every app (idempotent)."""
    from tortoise.migrations.api import migrate as run

    await run(config=tortoise_config(db_url), progress=progress)


def is_postgres(db_url: str) -> bool:
    return normalize_url(db_url).startswith("asyncpg://")


async def create_database(base_url: str, prefix: str = "qf_scratch") -> str:
    """A fresh PostgreSQL database on the server of `base_url` (tests, benchmarks); returns its URL."""
    import uuid

    import asyncpg

    url = normalize_url(base_url).replace("asyncpg://", "postgresql://")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return url.rsplit("/", 1)[0] + "/" + name


async def drop_database(url: str) -> None:
    """Drop the database `url` names, even with connections still open."""
    import asyncpg

    base, name = normalize_url(url).replace("asyncpg://", "postgresql://").rsplit("/", 1)
    conn = await asyncpg.connect(base + "/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def pending_migrations(db_url: str) -> list[str]:
    """`app.name` of every migration not yet applied to the database (empty: the schema is current).

    Opens and closes its own connections, so it runs before the server starts its own."""
    from tortoise.connection import get_connection
    from tortoise.migrations.executor import MigrationExecutor

    config = tortoise_config(db_url)
    await Tortoise.init(config=config)
    try:
        executor = MigrationExecutor(get_connection("default"), config["apps"])
        steps = await executor.plan(None)
        return [f"{s.migration.app_label}.{s.migration.name}" for s in steps if not s.backward]
    finally:
        await Tortoise.close_connections()
