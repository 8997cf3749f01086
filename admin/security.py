"""Panel sessions, CSRF and sign-in throttling.

A session is an opaque random cookie; Redis holds its state under the cookie's
SHA-256 (storage.keys.admin_session), so a Redis dump cannot be replayed as a
cookie. Stages: "totp" (password ok, second factor due), "enroll" (county role
without a TOTP secret yet), "full". Every unsafe request must carry the
session's CSRF token (form field `csrf` or header X-CSRF-Token); before sign-in
a double-submit cookie guards the login form.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import asdict, dataclass
from datetime import datetime
import redis.asyncio as aioredis
from aiohttp import web

from storage import keys

COOKIE = "qf_admin"
LOGIN_COOKIE = "qf_login"
IDLE_TTL_S = 8 * 3600  # a working day; every request slides it
PENDING_TTL_S = 300  # between the password and the TOTP code
MAX_FAILURES = 5  # per account, then locked for LOCK_S
MAX_IP_FAILURES = 30  # per client address, against spraying many accounts
LOCK_S = 15 * 60


@dataclass
class Session:
    sid_hash: str
    staff_id: int
    csrf: str
    stage: str  # totp | enroll | full
    pw_stamp: str  # the account's password_changed_at: a password change ends older sessions
    created: float
    pending_totp: str = ""  # sealed secret shown during enrolment, not yet confirmed


def password_stamp(password_changed_at: datetime | None) -> str:
    """Sessions remember this; a password change makes every older session invalid."""
    return f"{password_changed_at.timestamp():.3f}" if password_changed_at else ""


def _sid_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def behind_tls(request: web.Request) -> bool:
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def set_cookie(response: web.StreamResponse, request: web.Request, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(name, value, path="/admin", httponly=True, samesite="Strict", secure=behind_tls(request),
                        max_age=max_age)


async def create_session(redis: aioredis.Redis, staff_id: int, stage: str, pw_stamp: str) -> tuple[str, Session]:
    sid = secrets.token_urlsafe(32)
    s = Session(_sid_hash(sid), staff_id, secrets.token_urlsafe(32), stage, pw_stamp, time.time())
    await _store(redis, s)
    return sid, s


async def save_session(redis: aioredis.Redis, s: Session) -> None:
    await _store(redis, s)


async def _store(redis: aioredis.Redis, s: Session) -> None:
    ttl = IDLE_TTL_S if s.stage == "full" else PENDING_TTL_S
    await redis.set(keys.admin_session(s.sid_hash), json.dumps(asdict(s)), ex=ttl)


async def load_session(redis: aioredis.Redis, sid: str | None) -> Session | None:
    if not sid or len(sid) > 128:
        return None
    raw = await redis.get(keys.admin_session(_sid_hash(sid)))
    if raw is None:
        return None
    s = Session(**json.loads(raw))
    if s.stage == "full":
        await redis.expire(keys.admin_session(s.sid_hash), IDLE_TTL_S)
    return s


async def promote(redis: aioredis.Redis, s: Session) -> tuple[str, Session]:
    """A new session id once the sign-in completes (no fixation of the pending one)."""
    await redis.delete(keys.admin_session(s.sid_hash))
    return await create_session(redis, s.staff_id, "full", s.pw_stamp)


async def end_session(redis: aioredis.Redis, s: Session) -> None:
    await redis.delete(keys.admin_session(s.sid_hash))


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


async def posted_csrf(request: web.Request) -> str | None:
    header = request.headers.get("X-CSRF-Token")
    if header:
        return header
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        value = form.get("csrf")
        return value if isinstance(value, str) else None
    return None


# -- throttling ---------------------------------------------------------------
# An attacker who knows the county admin's user name must not be able to lock them out: failures lock
# one account only for the address that made them (MAX_FAILURES, for LOCK_S), an address that sprays
# many accounts is locked (MAX_IP_FAILURES), and the account's failures from everywhere only add a
# growing delay before each answer (at most MAX_DELAY_S), which slows a spread-out guesser and never
# stops the owner.

def _subject(kind: str, value: str, secret: bytes) -> str:
    # Usernames and addresses are hashed: Redis keys name nobody.
    return kind + ":" + hmac.new(secret, value.lower().encode(), hashlib.sha256).hexdigest()[:32]


MAX_DELAY_S = 4.0
SLOWDOWN_FREE = 5  # failures of an account (any address) before answers slow down


def delay_for(failures: int) -> float:
    """Seconds to wait before answering a sign-in of an account with this many recent failures."""
    return 0.0 if failures < SLOWDOWN_FREE else min(MAX_DELAY_S, 0.25 * 2 ** (failures - SLOWDOWN_FREE))


@dataclass(frozen=True)
class Throttle:
    redis: aioredis.Redis
    secret: bytes

    def _keys(self, username: str, ip: str) -> tuple[str, str, str]:
        return (keys.login_failures(_subject("user-ip", f"{username}\n{ip}", self.secret)),
                keys.login_failures(_subject("ip", ip, self.secret)),
                keys.login_slowdown(_subject("user", username, self.secret)))

    async def locked(self, username: str, ip: str) -> bool:
        pair, addr, _ = self._keys(username, ip)
        acct, spray = await self.redis.mget(pair, addr)
        return int(acct or 0) >= MAX_FAILURES or int(spray or 0) >= MAX_IP_FAILURES

    async def delay(self, username: str, ip: str) -> float:
        return delay_for(int(await self.redis.get(self._keys(username, ip)[2]) or 0))

    async def failed(self, username: str, ip: str) -> int:
        """Count one failure; returns this address's failures on this account in the current window."""
        pipe = self.redis.pipeline()
        for key in self._keys(username, ip):
            pipe.incr(key)
            pipe.expire(key, LOCK_S)
        counts = await pipe.execute()
        return int(counts[0])

    async def succeeded(self, username: str, ip: str) -> None:
        await self.redis.delete(*self._keys(username, ip)[::2])


async def claim_totp(redis: aioredis.Redis, staff_id: int, code: str, secret: bytes) -> bool:
    """True the first time this account uses `code`; a replayed code (shoulder-surfed, phished) is refused."""
    digest = hmac.new(secret, f"{staff_id}:{code}".encode(), hashlib.sha256).hexdigest()[:32]
    return bool(await redis.set(keys.totp_used(staff_id, digest), b"1", nx=True, ex=TOTP_MEMORY_S))


TOTP_MEMORY_S = 120  # a code is valid for its 30 s step and one either side: remember it past that


def client_ip(request: web.Request) -> str:
    return request.remote or "unknown"


def session_from(request: web.Request) -> Session | None:
    return request.get("qf_session")  # type: ignore[no-any-return]


def new_login_token() -> str:
    return secrets.token_urlsafe(24)

