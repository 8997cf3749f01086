"""Rate limits per client address and per session: fixed windows in Redis (a minute; receipts an hour).

Every request counts in the general bucket; login, receipt and subsidy lookups
also count in a tighter bucket of their own, so guessing receipts or ID numbers
stays slow whatever the general limit. Keys hold a keyed hash of the address
(an address is personal data too), never the address itself.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from bot.api.errors import fail
from storage import keys

if TYPE_CHECKING:
    from bot.api.config import ApiConfig
    from bot.api.session import ApiSession
    from bot.services import Services
    from storage.crypto import PersonalDataCipher

WINDOW_S = 60


async def _hit(services: "Services", bucket: str, subject: str, limit: int, window_s: int = WINDOW_S) -> None:
    now = int(services.clock())
    key = keys.rate(bucket, subject, now // window_s)
    async with services.redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, window_s * 2)
        count, _ = await pipe.execute()
    if int(count) > limit:
        retry = window_s - now % window_s
        raise fail("rate_limited", headers={"Retry-After": str(max(retry, 1))})


def ip_subject(request: web.Request, cipher: "PersonalDataCipher") -> str:
    # request.remote is the client as bot.client_address resolved it (QINGFENG_TRUSTED_PROXIES).
    return cipher.lookup_hash(request.remote or "?", purpose="api-ip")[:32]


async def check_ip(request: web.Request, services: "Services", config: "ApiConfig", bucket: str = "") -> None:
    subject = ip_subject(request, services.cipher)
    await _hit(services, "api-ip", subject, config.ip_per_minute)
    if bucket:
        await _hit(services, f"api-ip-{bucket}", subject, *config.rule(bucket, "ip"))


async def check_session(session: "ApiSession", services: "Services", config: "ApiConfig", bucket: str = "") -> None:
    await _hit(services, "api-session", session.subject, config.session_per_minute)
    if bucket:
        await _hit(services, f"api-session-{bucket}", session.subject, *config.rule(bucket, "session"))


async def check_similar(session: "ApiSession", services: "Services", config: "ApiConfig") -> None:
    """The similar-report check answers "does a case like this text exist": slow enough that nobody maps them."""
    await _hit(services, "api-session-similar", session.subject, config.similar_per_hour, 3600)
