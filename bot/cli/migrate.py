"""`qingfeng migrate`: create or upgrade the schema of the configured database."""
from __future__ import annotations

import argparse
import asyncio

from bot.config import load_settings
from storage import db


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("migrate", help="create or upgrade the database schema",
                       description="Apply every pending migration to DATABASE_URL (default: SQLite under ./var).")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings()

    def progress(event: str, app: str, name: str) -> None:
        if event.endswith("start") or event == "apply_start":
            print(f"applying {app}.{name}")

    async def go() -> None:
        await db.migrate(settings.db_url, progress=progress)
        await db.close()

    asyncio.run(go())
    print("schema up to date")
    return 0
