"""A keyword version saved anywhere reaches every server process (two real `qingfeng serve` processes)."""
from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, AsyncIterator

import aiohttp
import pytest

import nlp.keywords
from handlers import model_files
from tests.processes import free_port

REPO = Path(__file__).resolve().parents[2]
TEXT = "胡家庄村会计把村里鱼塘承包的钱装进了自己口袋"


@pytest.fixture
async def two_servers(settings: Any, registry_loaded: Any, tmp_path: Path) -> AsyncIterator[list[str]]:
    env = {**{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")},
           "PYTHONPATH": str(REPO), "DATABASE_URL": settings.db_url, "REDIS_URL": settings.redis_url,
           "QINGFENG_VAR": str(tmp_path / "var"), "QINGFENG_ENV": "development",
           "WECHAT_API_BASE": settings.wechat_api_base, "WECOM_API_BASE": settings.wecom_api_base}
    ports = [free_port(), free_port()]
    procs = [subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--port", str(p)], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for p in ports]
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    try:
        async with aiohttp.ClientSession() as http:
            for base in bases:
                deadline = time.monotonic() + 90
                while True:
                    try:
                        async with http.get(base + "/healthz") as r:
                            if r.status == 200:
                                break
                    except aiohttp.ClientError:
                        pass
                    assert time.monotonic() < deadline, "server did not start"
                    await asyncio.sleep(0.3)
        yield bases
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
        model_files.forget()


async def _category(http: aiohttp.ClientSession, base: str) -> str:
    async with http.post(base + "/api/v1/session", json={"code": "code-" + secrets.token_hex(8)}) as r:
        token = (await r.json())["token"]
    async with http.post(base + "/api/v1/reports", headers={"Authorization": f"Bearer {token}"},
                         json={"text": TEXT + secrets.token_hex(2), "anonymous": True, "ignore_similar": True}) as r:
        body = await r.json()
        assert r.status == 200, body
        return str(body["category"])


async def test_a_saved_keyword_version_reaches_both_server_processes(two_servers: list[str], services: Any) -> None:
    async with aiohttp.ClientSession() as http:
        assert [await _category(http, b) for b in two_servers] == ["collective_assets"] * 2
        good = nlp.keywords.KEYWORDS_PATH.read_text(encoding="utf-8") + "eight_rules\t9.0\t鱼塘\n"
        await model_files.save("keywords", good, actor="test", services=services)  # this process is a third one
        seen: dict[str, str] = {}
        deadline = time.monotonic() + 30
        while len(seen) < 2 and time.monotonic() < deadline:
            for b in two_servers:
                if b not in seen and await _category(http, b) == "eight_rules":
                    seen[b] = "eight_rules"
            await asyncio.sleep(0.5)
        assert sorted(seen) == sorted(two_servers), "a server kept classifying with the old keywords"
