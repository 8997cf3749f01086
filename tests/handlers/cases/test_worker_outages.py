"""`qingfeng worker` (a real process) against a Redis server of its own that the test kills and restarts."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import redis as syncredis

from storage import redis as redis_conn
from storage.models import OutboxMessage
from tests.handlers.cases.conftest import World

REPO = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _redis_up(tmp: Path, port: int) -> subprocess.Popen[bytes]:
    proc = redis_conn.start_server(tmp, port=port)
    for _ in range(200):
        try:
            if syncredis.Redis(port=port, socket_timeout=0.2).ping():
                return proc
        except Exception:
            await asyncio.sleep(0.05)
    raise AssertionError("redis-server did not start")


async def _all_sent(proc: subprocess.Popen[bytes], what: str, timeout: float = 40.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while await OutboxMessage.exclude(status="sent").exists() or not await OutboxMessage.exists():
        assert proc.poll() is None, f"the worker exited ({what})"
        assert loop.time() < end, f"nothing sent {what}"
        await asyncio.sleep(0.2)


async def test_the_worker_rides_out_a_redis_outage_and_resumes_by_itself(world: World, settings: Any,
                                                                         tmp_path: Path) -> None:
    port = _free_port()
    redis_proc = await _redis_up(tmp_path, port)
    env = {**os.environ, "DATABASE_URL": settings.database_url or settings.db_url,
           "REDIS_URL": f"redis://127.0.0.1:{port}/0", "WECHAT_API_BASE": world.fake.base_url,
           "WECOM_API_BASE": world.fake.wecom_base, "QINGFENG_VAR": str(tmp_path / "var")}
    worker = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        await world.file()
        await _all_sent(worker, "before the outage")
        before = len(world.fake.records)
        assert before == await OutboxMessage.all().count() > 0

        redis_proc.kill()
        redis_proc.wait(10)
        await world.file(text="胡家庄村主任把危房改造补助给了他小舅子")  # queued while Redis is away
        await asyncio.sleep(4)  # several poll ticks against a dead Redis
        assert worker.poll() is None, "the worker died with Redis"
        assert len(world.fake.records) == before, "nothing can be sent without Redis (the token lives there)"

        redis_proc = await _redis_up(tmp_path, port)
        await _all_sent(worker, "after Redis came back")
        assert len(world.fake.records) == await OutboxMessage.all().count() == 2 * before, "each message once"
        assert worker.poll() is None
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        redis_proc.kill()
        redis_proc.wait(10)
