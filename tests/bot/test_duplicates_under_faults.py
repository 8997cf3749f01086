"""One report, one case, when a fault holds up the filing's answer (issue 14: the chaos run's duplicates).

Real processes: `qingfeng serve` on a redis-server of the test's own and on PostgreSQL reached through a
relay the test holds; no worker runs (as when it was killed), so an answer that misses WeChat's 5 s waits
in the outbox. The villager behaves like the chaos run's: seeing nothing, types the same again; told
"没太明白", starts the report over. Before the fix that second start filed the same report again.
"""
from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.config import load_settings
from bot.wechat_sim import WeChatServerSim
from storage import redis as redis_conn
from storage.models import Case, OutboxMessage
from storage.db import is_postgres
from tests.processes import REPO, Relay, cli_env, free_port

pytestmark = pytest.mark.skipif(not is_postgres(os.environ.get("DATABASE_URL", "")),
                                reason="the relay stands in front of PostgreSQL (DATABASE_URL)")

TEXT = "南坝镇胡家庄村的村支书把我家低保扣了,给了他侄子"
# 1 对, then the category's two optional questions skipped (handlers.report_details) before 实名 or 匿名
PAST_QUESTIONS = (("1", "跳过"), ("跳过", "跳过"), ("跳过", "实名"))
OPENID = "oFaultVillager00000000000001"


async def _up(http: aiohttp.ClientSession, url: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> None:
    """Polled without blocking the loop: the relay serves the server's database connections meanwhile."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        assert proc.poll() is None, f"the server exited with {proc.returncode}"
        try:
            async with http.get(url, timeout=aiohttp.ClientTimeout(total=2)) as r:
                if r.status == 200:
                    return
        except (aiohttp.ClientError, asyncio.TimeoutError):
            pass
        await asyncio.sleep(0.3)
    raise AssertionError(f"{url} never answered")


async def _until(check: Any, what: str, seconds: float = 60) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while not await check():
        assert loop.time() < end, what
        await asyncio.sleep(0.2)


async def test_a_receipt_held_up_by_a_postgres_hang_and_typed_again_files_one_case(
        registry_loaded: Any, database_url: str, fake_wechat: Any, tmp_path: Path) -> None:
    redis_port = free_port()
    redis_proc = redis_conn.start_server(tmp_path / "redis", port=redis_port)
    relay = Relay(int(re.search(r"@[^/:]+:(\d+)/", database_url).group(1)))  # type: ignore[union-attr]
    await relay.start()
    env = cli_env(tmp_path, DATABASE_URL=re.sub(r"@[^/]+/", f"@127.0.0.1:{relay.port}/", database_url),
                  REDIS_URL=f"redis://127.0.0.1:{redis_port}/0", WECHAT_API_BASE=fake_wechat.base_url,
                  WECOM_API_BASE=fake_wechat.wecom_base)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    s = load_settings({})
    sim = WeChatServerSim(f"http://127.0.0.1:{port}", s.wechat_token, s.wechat_aes_key, s.wechat_appid)
    try:
        async with aiohttp.ClientSession() as http:
            await _up(http, f"http://127.0.0.1:{port}/healthz", server)

            async def say(text: str) -> str:
                r = await sim.send(http, OPENID, text)
                assert r.status == 200, r.body
                return "\n".join(r.texts)

            async def report() -> str:
                for text, expect in (("举报", "请"), (TEXT, "还有"), ("好了", "您反映的是"), *PAST_QUESTIONS):
                    assert expect in await say(text), text
                return await say("2")

            for text, expect in (("举报", "请"), (TEXT, ""), ("好了", "您反映的是"), *PAST_QUESTIONS):
                assert expect in await say(text), text
            relay.set_hang(True)  # PostgreSQL stops answering as the villager chooses 匿名
            held = asyncio.ensure_future(say("2"))
            await asyncio.sleep(6.0)
            relay.set_hang(False)
            assert await held == "", "the filing missed WeChat's 5 s: no passive reply"
            await _until(lambda: OutboxMessage.filter(case_id=None).exists(), "the late answer reached the outbox")
            case = await Case.get(text=TEXT)

            again = await say("2")  # the villager saw nothing and types it again
            if "没太明白" in again:  # and then starts the same report over, as the chaos run's villagers did
                again = await report()
            assert await Case.filter(text=TEXT).count() == 1, "one report, one case"
            assert case.number and case.number in again, again
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        relay.server.close()
        redis_proc.kill()
        redis_proc.wait(10)
