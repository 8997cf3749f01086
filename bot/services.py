"""What the running process shares, in four parts; `Services` composes them for the app.

- `Runtime`: settings, Redis, the cipher, the HTTP session, the clock, and the background tasks the process
  owns. Most functions need nothing else: they ask for a `Runtime` (a `Services` is one) or for the one
  piece they use (`cipher`, `redis`, `settings`).
- `WeChatClients`: the official account's, the mini-program's and WeCom's API clients, made on first use.
- `RegistryCache`: the registry as an `nlp.RegistryIndex`, reloaded when an import bumps its version.
- `ReplyPath`: texts that missed the passive reply, handed to the durable outbox.

Built once by the composition root (`bot.app.build_services`, which also plugs in the two domain hooks: the
classifier-file sync before a registry read and the outbox for late replies) and handed to handlers by the
dispatcher. Stateless apart from caches, so any number of processes can run.
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


@dataclass
class Runtime:
    """Settings, Redis, the cipher, the HTTP session, the clock; the background tasks the process owns."""
    settings: Settings
    redis: aioredis.Redis
    cipher: PersonalDataCipher
    http: aiohttp.ClientSession
    clock: Callable[[], float] = time.time
    background: set[asyncio.Task[Any]] = field(default_factory=set, repr=False)

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        """Background work owned by the process, kept referenced until it ends."""
        task = asyncio.ensure_future(coro)
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        return task

    async def drain(self, timeout: float = 10.0) -> None:
        if self.background:
            await asyncio.wait(set(self.background), timeout=timeout)


# Plugged in by the composition root, so this runtime layer imports no flow or domain module.
RegistryHook = Callable[[Runtime], Awaitable[None]]
ReplyLater = Callable[[str, str, list[str], Runtime], Awaitable[None]]


class WeChatClients:
    """The API clients, each made on first use from the runtime's settings, HTTP session and Redis (tokens)."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._made: dict[str, Any] = {}

    @property
    def mp(self) -> "MpClient":
        if "mp" not in self._made:
            from bot.wechat_api import MpClient

            r, s = self._runtime, self._runtime.settings
            self._made["mp"] = MpClient(r.http, r.redis, s.wechat_api_base, s.wechat_appid, s.wechat_secret)
        return self._made["mp"]  # type: ignore[no-any-return]

    @property
    def miniapp(self) -> "MiniProgramClient":
        if "miniapp" not in self._made:
            from bot.wechat_api import MiniProgramClient

            r, s = self._runtime, self._runtime.settings
            self._made["miniapp"] = MiniProgramClient(r.http, r.redis, s.wechat_api_base, s.miniapp_appid,
                                                      s.miniapp_secret)
        return self._made["miniapp"]  # type: ignore[no-any-return]

    @property
    def wecom(self) -> "WeComClient":
        if "wecom" not in self._made:
            from bot.wechat_api import WeComClient

            r, s = self._runtime, self._runtime.settings
            self._made["wecom"] = WeComClient(r.http, r.redis, s.wecom_api_base, s.wecom_corpid, s.wecom_secret,
                                              s.wecom_agentid)
        return self._made["wecom"]  # type: ignore[no-any-return]


class RegistryCache:
    """The registry, checked against its version key at most every REGISTRY_CHECK_S seconds."""

    def __init__(self, runtime: Runtime, before: RegistryHook | None = None) -> None:
        self._runtime = runtime
        self._before = before  # the classifier's files follow
        self._index: Any = None
        self._version: bytes | None = None
        self._checked = 0.0
        self._lock = asyncio.Lock()

    async def get(self) -> Any:
        """The registry as an `nlp.RegistryIndex`, reloaded when an import bumps its version.

        Callers classify next, so the classifier's files are brought up to date here too."""
        if self._before is not None:
            await self._before(self._runtime)
        now = time.monotonic()
        if self._index is not None and now - self._checked < REGISTRY_CHECK_S:
            return self._index
        async with self._lock:
            version = await self._runtime.redis.get(keys.registry_version())
            self._checked = time.monotonic()
            if self._index is None or version != self._version:
                from nlp.registry import RegistryIndex
                from storage.registry import load_registry_dict

                self._index = RegistryIndex.from_dict(await load_registry_dict())
                self._version = version
                try:
                    from nlp import reload_registry

                    reload_registry(self._index)
                except ImportError:
                    pass
        return self._index

    async def changed(self) -> None:
        """After an import: every process reloads (this one at its next read)."""
        await self._runtime.redis.incr(keys.registry_version())
        self._checked = 0.0

    def forget(self) -> None:
        """Read the registry again at the next call (tests that change it under the cache)."""
        self._index = None


class ReplyPath:
    """Texts that could not go in the passive reply: durable outbox rows the worker sends
    (customer-service / WeCom app messages, a template when the 48 h window or quota is closed)."""

    def __init__(self, runtime: Runtime, outbox: ReplyLater | None = None) -> None:
        self._runtime = runtime
        self._outbox = outbox

    async def reply_later(self, channel: str, openid: str, texts: list[str]) -> None:
        if self._outbox is None:  # never drop a reply silently
            raise RuntimeError("these services have no outbox: build them with bot.app.build_services")
        await self._outbox(channel, openid, texts, self._runtime)


@dataclass
class Services(Runtime):
    """The runtime with the other three parts; the hooks are given when it is built (`bot.app.build_services`)."""
    before_registry: RegistryHook | None = field(default=None, repr=False)
    outbox: ReplyLater | None = field(default=None, repr=False)
    clients: WeChatClients = field(init=False, repr=False)
    registry_cache: RegistryCache = field(init=False, repr=False)
    replies: ReplyPath = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.clients = WeChatClients(self)
        self.registry_cache = RegistryCache(self, self.before_registry)
        self.replies = ReplyPath(self, self.outbox)

    # Shorthands for the parts' most used members (the dispatcher and inbound path read these).
    @property
    def mp(self) -> "MpClient":
        return self.clients.mp

    @property
    def miniapp(self) -> "MiniProgramClient":
        return self.clients.miniapp

    @property
    def wecom(self) -> "WeComClient":
        return self.clients.wecom

    async def registry(self) -> Any:
        return await self.registry_cache.get()

    async def registry_changed(self) -> None:
        await self.registry_cache.changed()

    async def reply_later(self, channel: str, openid: str, texts: list[str]) -> None:
        await self.replies.reply_later(channel, openid, texts)


def make_cipher(settings: Settings) -> PersonalDataCipher:
    return PersonalDataCipher(hmac_keys=settings.hmac_keys, data_keys=settings.data_keys)


async def connect_services(settings: Settings, *, before_registry: RegistryHook | None = None,
                           outbox: ReplyLater | None = None) -> Services:
    """Connect the database, Redis and an HTTP session (the domain hooks: `bot.app.build_services` gives them)."""
    from storage import audit, db
    from storage import redis as redis_conn

    await db.init(settings.db_url)
    redis = redis_conn.connect(redis_conn.resolve_url(settings.redis_url, settings.var_dir))
    await redis_conn.wait_ready(redis)
    http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
    audit.bind(settings.audit_key, redis, legacy_until=settings.audit_legacy_until)  # the chain's key and where its head is anchored
    return Services(settings=settings, redis=redis, cipher=make_cipher(settings), http=http,
                    before_registry=before_registry, outbox=outbox)


async def close_services(services: Services) -> None:
    from storage import db

    await services.drain()
    await services.http.close()
    await services.redis.aclose()
    await db.close()
