"""One storage contract, run against each pair of backends (in the manner of aiogram's test_storages):
SQLite always and PostgreSQL when DATABASE_URL names one, each with the embedded Redis (unix socket)
and a Redis server of the test's own over TCP."""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from storage.db import create_database, drop_database, is_postgres
from storage.redis import start_server

CONTRACT = Path(__file__).with_name("contract.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(params=["embedded", "server"])
def redis_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The embedded Redis as laptops run it (a unix socket), or a server over TCP; each the test's own."""
    var = tmp_path / request.param
    if request.param == "embedded":
        sock = var / "redis.sock"
        proc, url = start_server(var, unix_socket=sock), f"unix://{sock}"
        address: object = str(sock)
    else:
        port = _free_port()
        proc, url, address = start_server(var, port=port), f"redis://127.0.0.1:{port}/0", ("127.0.0.1", port)
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.socket(socket.AF_UNIX if isinstance(address, str) else socket.AF_INET) as s:
                s.settimeout(0.2)
                s.connect(address)  # type: ignore[arg-type]
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"the test's redis-server did not start (see {var / 'redis.log'})")
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'contract.sqlite3'}"
        return
    if not is_postgres(os.environ.get("DATABASE_URL", "")):
        pytest.skip("DATABASE_URL is not PostgreSQL")
    url = asyncio.run(create_database(os.environ["DATABASE_URL"], "qf_contract"))
    yield url
    asyncio.run(drop_database(url))


def test_storage_contract(database_url: str, redis_url: str) -> None:
    r = subprocess.run([sys.executable, str(CONTRACT), database_url, redis_url], capture_output=True, text=True,
                       timeout=180)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "storage contract holds" in r.stdout
