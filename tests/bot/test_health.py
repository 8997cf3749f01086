"""/healthz says the process lives; /readyz says PostgreSQL and Redis answer, each within a timeout."""
from __future__ import annotations

import dataclasses
import os
import signal
from pathlib import Path
from typing import Any, AsyncIterator

import aiohttp
import pytest_asyncio
from aiohttp.test_utils import TestServer

from bot.app import create_app
from storage import redis as redis_conn
from tests.handlers.cases.test_worker_outages import _free_port, _redis_up


@pytest_asyncio.fixture
async def frozen_redis(tmp_path: Path) -> AsyncIterator[str]:
    port = _free_port()
    proc = await _redis_up(tmp_path, port)
    os.kill(proc.pid, signal.SIGSTOP)  # alive but answering nothing: the worst case for a client
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        os.kill(proc.pid, signal.SIGCONT)
        proc.kill()
        proc.wait(10)


async def test_healthz_and_readyz_answer_when_all_is_well(app_server: Any, http: aiohttp.ClientSession) -> None:
    async with http.get(app_server.make_url("/healthz")) as r:
        assert r.status == 200 and (await r.json())["ok"] is True
    async with http.get(app_server.make_url("/readyz")) as r:
        assert r.status == 200 and await r.json() == {"ok": True, "database": "ok", "redis": "ok"}


async def test_a_frozen_redis_makes_readyz_fail_fast_and_healthz_stays_up(
        services: Any, settings: Any, http: aiohttp.ClientSession, frozen_redis: str) -> None:
    frozen = redis_conn.connect(frozen_redis, socket_timeout=1.0)
    server = TestServer(await create_app(settings, dataclasses.replace(services, redis=frozen)))
    await server.start_server()
    try:
        async with http.get(server.make_url("/healthz"), timeout=aiohttp.ClientTimeout(total=3)) as r:
            assert r.status == 200
        async with http.get(server.make_url("/readyz"), timeout=aiohttp.ClientTimeout(total=5)) as r:
            body = await r.json()
            assert r.status == 503 and body["database"] == "ok" and body["redis"] != "ok"
    finally:
        await server.close()
        await frozen.aclose()


async def test_no_response_names_the_server_software_or_its_version(app_server: Any, http: Any) -> None:
    for path in ("/healthz", "/no/such/page", "/admin/login", "/api/v1/openapi.json"):
        async with http.get(str(app_server.make_url(path)), allow_redirects=False) as r:
            server = r.headers.get("Server", "")
            assert "aiohttp" not in server.lower() and "python" not in server.lower(), (path, server)
