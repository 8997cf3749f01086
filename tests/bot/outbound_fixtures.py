"""Fixtures for tests/test_outbound.py: a real Redis, the fake WeChat API, an HTTP session.

Each test gets its own appid and corpid, so its token keys in Redis are its own and a
shared Redis (CI's REDIS_URL) is never flushed: teardown deletes just those keys.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import redis.asyncio as aioredis

from bot.config import Settings
from bot.fake_wechat import FakeWeChat
from bot.wechat_api import MiniProgramClient, MpClient, WeComClient
from storage import keys
from storage.redis import connect, ensure_embedded

WEBHOOK_KEY = "robot-key-village-1"
CLIENT_TIMEOUT = 0.5  # short, so the injected hang of the fake shows up quickly


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return os.environ.get("REDIS_URL") or ensure_embedded(Path(tmp_path_factory.mktemp("outbound-redis")))


@pytest.fixture
def settings() -> Settings:
    tag = secrets.token_hex(4)
    return Settings().with_(
        wechat_appid=f"wxtest{tag}", wechat_secret=f"mp-secret-{secrets.token_hex(8)}",
        miniapp_appid=f"wxmini{tag}", miniapp_secret=f"mini-secret-{secrets.token_hex(8)}",
        wecom_corpid=f"wwtest{tag}", wecom_secret=f"wecom-secret-{secrets.token_hex(8)}", wecom_agentid="1000002",
    )


@pytest.fixture
async def redis(redis_url: str, settings: Settings) -> AsyncIterator[aioredis.Redis]:
    client = connect(redis_url)
    yield client
    await client.delete(
        keys.access_token("mp", settings.wechat_appid), keys.access_token_lock("mp", settings.wechat_appid),
        keys.access_token("work", settings.wecom_corpid), keys.access_token_lock("work", settings.wecom_corpid),
        keys.access_token("miniapp", settings.miniapp_appid), keys.access_token_lock("miniapp", settings.miniapp_appid),
    )
    await client.aclose()


@pytest.fixture
async def fake(settings: Settings) -> AsyncIterator[FakeWeChat]:
    server = FakeWeChat(settings, webhook_keys={WEBHOOK_KEY})
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def make_mp(http: aiohttp.ClientSession, redis: aioredis.Redis, fake: FakeWeChat, settings: Settings) -> Callable[..., MpClient]:
    """A new MpClient each call: stands for another process sharing the same Redis."""

    def make(base: str | None = None, **kw: Any) -> MpClient:
        return MpClient(http, redis, base or fake.base_url, settings.wechat_appid, settings.wechat_secret,
                        timeout=CLIENT_TIMEOUT, **kw)

    return make


@pytest.fixture
def wecom(http: aiohttp.ClientSession, redis: aioredis.Redis, fake: FakeWeChat, settings: Settings) -> WeComClient:
    return WeComClient(http, redis, fake.wecom_base, settings.wecom_corpid, settings.wecom_secret,
                       settings.wecom_agentid, timeout=CLIENT_TIMEOUT)


@pytest.fixture
def mini(http: aiohttp.ClientSession, redis: aioredis.Redis, fake: FakeWeChat, settings: Settings) -> MiniProgramClient:
    return MiniProgramClient(http, redis, fake.base_url, settings.miniapp_appid, settings.miniapp_secret,
                             timeout=CLIENT_TIMEOUT)
