"""Shared fixtures: real databases, real Redis, real HTTP.

With no environment set, tests use SQLite and the embedded Redis in a temporary
directory. With DATABASE_URL (PostgreSQL) and REDIS_URL set — as `.ci/run`
does — they run against those servers: a fresh database is created for the
session and dropped after, and Redis db 9 (10, 11 for the other xdist workers) is flushed between tests.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import pytest
import pytest_asyncio

from bot.config import Settings
from storage import db as storage_db
from storage import redis as redis_conn
from storage.sql import is_postgres

REPO = Path(__file__).resolve().parent.parent
CONTRACTS = REPO / "docs" / "contracts"
REGISTRY_EXAMPLE = CONTRACTS / "registry.example.json"
# Helpers running at once pick their own base; pytest-xdist's workers (gw0, gw1, …) take the next indexes
TEST_REDIS_DB = int(os.environ.get("QF_TEST_REDIS_DB", "9")) + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
# The suite runs on the development secrets (SPEC: QINGFENG_ENV); commands it starts inherit this
os.environ["QINGFENG_ENV"] = "development"


TEARDOWN_S = 60.0


async def bounded(step: Any, what: str) -> None:
    """A session teardown step that cannot hang the run: past TEARDOWN_S it is abandoned (cancelled, not waited
    for) and the tasks still pending are printed — what they wait on is the bug to chase — so the run ends."""
    import asyncio
    import sys

    task = asyncio.ensure_future(step)
    done, _ = await asyncio.wait({task}, timeout=TEARDOWN_S)
    if task in done:
        task.result()
        return
    out = sys.__stderr__
    print(f"\nteardown of {what} still waiting after {TEARDOWN_S:.0f} s; pending tasks:", file=out)
    for pending in asyncio.all_tasks():
        if pending is not asyncio.current_task():
            pending.print_stack(limit=8, file=out)
    task.cancel()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs PostgreSQL (DATABASE_URL)")


@pytest.fixture(autouse=True, scope="session")
def _cheap_receipt_hashes() -> Any:
    """Still argon2id, with small costs: the suite files hundreds of reports on two shared cores."""
    from storage import receipts

    saved = receipts.COST
    receipts.COST = {"time_cost": 1, "memory_cost": 8 * 1024, "parallelism": 1}
    yield
    receipts.COST = saved


@pytest.fixture(autouse=True)
def _package_classifier() -> Any:
    """After a test that left a saved keyword list or model loaded in this process, the package's files again:
    the tests that follow (in whatever order a run gives them) classify with what the repository ships."""
    yield
    from handlers import model_files

    if any(model_files.loaded_versions().values()):
        model_files.forget()


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="session")
def redis_url(var_dir: Path) -> str:
    url = os.environ.get("REDIS_URL")
    if url:  # a shared server: keep to our own db index
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path=f"/{TEST_REDIS_DB}"))
    return redis_conn.ensure_embedded(var_dir / "redis")


@pytest_asyncio.fixture(scope="session")
async def database_url(var_dir: Path) -> AsyncIterator[str]:
    base = os.environ.get("DATABASE_URL", "")
    if storage_db.is_postgres(base) if base else False:
        url = await storage_db.create_database(base, "qf_test")
        await storage_db.migrate(url)
        await storage_db.close()
        yield url
        await bounded(storage_db.close(), "the database connections")
        await bounded(storage_db.drop_database(url), "the test database")
    else:
        url = f"sqlite://{var_dir / 'test.sqlite3'}"
        await storage_db.migrate(url)
        await storage_db.close()
        yield url


@pytest_asyncio.fixture(scope="session")
async def fake_wechat() -> AsyncIterator[Any]:
    """The local fake of WeChat's and WeCom's APIs, over real HTTP."""
    from bot.fake_wechat import FakeWeChat

    fake = FakeWeChat()
    await fake.start(port=0)
    yield fake
    await bounded(fake.stop(), "the fake WeChat API")


@pytest.fixture(scope="session")
def settings(var_dir: Path, database_url: str, redis_url: str, fake_wechat: Any) -> Settings:
    return Settings(var_dir=var_dir, database_url=database_url, redis_url=redis_url, open311=True,
                    wechat_api_base=fake_wechat.base_url, wecom_api_base=fake_wechat.base_url + "/wecom")


async def truncate_all() -> None:
    from tortoise import Tortoise

    conn = Tortoise.get_connection("default")
    tables = [m._meta.db_table for app in Tortoise.apps.values() for m in app.values()]
    if is_postgres(conn):
        await conn.execute_script("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
    else:  # foreign keys off while emptying, so the order of tables does not matter
        await conn.execute_script("PRAGMA foreign_keys = OFF")
        try:
            for t in tables:
                await conn.execute_script(f'DELETE FROM "{t}"')
        finally:
            await conn.execute_script("PRAGMA foreign_keys = ON")


@pytest_asyncio.fixture(scope="session")
async def services_session(settings: Settings) -> AsyncIterator[Any]:
    from bot.app import build_services, close_services

    services = await build_services(settings)
    yield services
    await bounded(close_services(services), "the session's services")


@pytest_asyncio.fixture
async def services(services_session: Any) -> AsyncIterator[Any]:
    """Database and Redis emptied before each test."""
    await truncate_all()
    await services_session.redis.flushdb()
    services_session.registry_cache.forget()
    from handlers.publication import powers

    powers.forget()  # a process-wide copy of the power list: another test's list must not answer this one's questions
    yield services_session
    await services_session.drain()


@pytest_asyncio.fixture
async def registry_loaded(services: Any) -> Any:
    from storage.registry import import_registry, load_file

    await import_registry(load_file(REGISTRY_EXAMPLE))
    await services.registry_changed()
    return services


@pytest.fixture
def sensitive_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture every log record, so a test can check that no personal data was logged."""
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest_asyncio.fixture(scope="session")
async def app_server(settings: Settings, services_session: Any) -> AsyncIterator[Any]:
    """The real app on a real port (aiohttp TestServer binds 127.0.0.1)."""
    from aiohttp.test_utils import TestServer

    from bot.app import create_app

    server = TestServer(await create_app(settings, services_session))
    await server.start_server()
    yield server
    await bounded(server.close(), "the app server")


@pytest_asyncio.fixture
async def http() -> AsyncIterator[Any]:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def wechat(app_server: Any, settings: Settings, services: Any) -> Any:
    """The WeChat server simulator, AES mode, aimed at the running app."""
    from bot.wechat_sim import WeChatServerSim

    return WeChatServerSim(str(app_server.make_url("")).rstrip("/"), settings.wechat_token,
                           settings.wechat_aes_key, settings.wechat_appid)


@pytest.fixture
def dispatcher(app_server: Any) -> Any:
    from bot.app import DISPATCHER

    return app_server.app[DISPATCHER]
