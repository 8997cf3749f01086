"""What the running process shares: settings, Redis, the cipher, outbound clients, the registry.

Built once by the composition root (`bot.app.build_services`, which also plugs in the two domain
hooks below: the classifier-file sync and the outbox) and handed to handlers by the dispatcher.
Stateless apart from caches, so any number of processes can run.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Callable

import aiohttp
import redis.asyncio as aioredis

from bot.config import Settings
from storage import keys
from storage.crypto import PersonalDataCipher

if TYPE_CHECKING:
    from bot.wechat_api import MiniProgramClient, MpClient, WeComClient

log = logging.getLogger("qingfeng.services")

REGISTRY_CHECK_S = 5.0

# Plugged in by the composition root, so this runtime layer imports no flow or domain module.
RegistryHook = Callable[["Services"], Awaitable[None]]
ReplyLater = Callable[[str, str, list[str], "Services"], Awaitable[None]]


@dataclass
class Services:
    settings: Settings
    redis: aioredis.Redis
    cipher: PersonalDataCipher
    http: aiohttp.ClientSession
    clock: Callable[[], float] = time.time
    _registry: Any = field(default=None, repr=False)
    _registry_version: bytes | None = field(default=None, repr=False)
    _registry_checked: float = field(default=0.0, repr=False)
    _registry_lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)
    background: set[asyncio.Task[Any]] = field(default_factory=set, repr=False)
    before_registry: RegistryHook | None = field(default=None, repr=False)  # the classifier's files follow
    outbox: ReplyLater | None = field(default=None, repr=False)  # durable late replies

    @property
    def mp(self) -> "MpClient":
        if "mp" not in self._clients:
            from bot.wechat_api import MpClient

            s = self.settings
            self._clients["mp"] = MpClient(self.http, self.redis, s.wechat_api_base, s.wechat_appid, s.wechat_secret)
        return self._clients["mp"]  # type: ignore[no-any-return]

    @property
    def miniapp(self) -> "MiniProgramClient":
        if "miniapp" not in self._clients:
            from bot.wechat_api import MiniProgramClient

            s = self.settings
            self._clients["miniapp"] = MiniProgramClient(self.http, self.redis, s.wechat_api_base, s.miniapp_appid,
                                                         s.miniapp_secret)
        return self._clients["miniapp"]  # type: ignore[no-any-return]

    @property
    def wecom(self) -> "WeComClient":
        if "wecom" not in self._clients:
            from bot.wechat_api import WeComClient

            s = self.settings
            self._clients["wecom"] = WeComClient(
                self.http, self.redis, s.wecom_api_base, s.wecom_corpid, s.wecom_secret, s.wecom_agentid
            )
        return self._clients["wecom"]  # type: ignore[no-any-return]

    async def registry(self) -> Any:
        """The registry as an `nlp.RegistryIndex`, reloaded when an import bumps its version.

        Callers classify next, so the classifier's files are brought up to date here too."""
        if self.before_registry is not None:
            await self.before_registry(self)
        now = time.monotonic()
        if self._registry is not None and now - self._registry_checked < REGISTRY_CHECK_S:
            return self._registry
        async with self._registry_lock:
            version = await self.redis.get(keys.registry_version())
            self._registry_checked = time.monotonic()
            if self._registry is None or version != self._registry_version:
                from nlp.registry import RegistryIndex
                from storage.registry import load_registry_dict

                self._registry = RegistryIndex.from_dict(await load_registry_dict())
                self._registry_version = version
                try:
                    from nlp import reload_registry

                    reload_registry(self._registry)
                except ImportError:
                    pass
        return self._registry

    async def registry_changed(self) -> None:
        await self.redis.incr(keys.registry_version())
        self._registry_checked = 0.0

    async def reply_later(self, channel: str, openid: str, texts: list[str]) -> None:
        """Texts that could not go in the passive reply: durable outbox rows the worker sends
        (customer-service / WeCom app messages, a template when the 48 h window or quota is closed)."""
        if self.outbox is None:  # never drop a reply silently
            raise RuntimeError("these services have no outbox: build them with bot.app.build_services")
        await self.outbox(channel, openid, texts, self)

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        """Background work owned by the process, kept referenced until it ends."""
        task = asyncio.ensure_future(coro)
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        return task

    async def drain(self, timeout: float = 10.0) -> None:
        if self.background:
            await asyncio.wait(set(self.background), timeout=timeout)


def make_cipher(settings: Settings) -> PersonalDataCipher:
    return PersonalDataCipher(hmac_keys=settings.hmac_keys, data_keys=settings.data_keys)


async def connect_services(settings: Settings) -> Services:
    """Connect the database, Redis and an HTTP session (no domain hooks: `bot.app.build_services` adds them)."""
    from storage import audit, db
    from storage import redis as redis_conn

    await db.init(settings.db_url)
    redis = redis_conn.connect(redis_conn.resolve_url(settings.redis_url, settings.var_dir))
    await redis_conn.wait_ready(redis)
    http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
    audit.bind(settings.audit_key, redis, legacy_until=settings.audit_legacy_until)  # the chain's key and where its head is anchored
    return Services(settings=settings, redis=redis, cipher=make_cipher(settings), http=http)


async def close_services(services: Services) -> None:
    from storage import db

    await services.drain()
    await services.http.close()
    await services.redis.aclose()
    await db.close()
