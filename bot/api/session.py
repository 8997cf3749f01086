"""Login for the mini-program: a `wx.login` code becomes an opaque session token.

    POST   /api/v1/session  {"code"} -> {"token", "expires_in"}   (jscode2session via services.miniapp)
    DELETE /api/v1/session                                          logs out

The token is random; Redis keeps only its SHA-256 (storage.keys.api_session) with
the openid sealed inside the value and a TTL. The openid never leaves the server.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web
from pydantic import BaseModel, Field

from bot.api.errors import fail
from bot.api.routing import MINIAPP, ApiRoutes, Call, In, token_hash
from storage import keys

if TYPE_CHECKING:
    from bot.api.config import ApiConfig
    from bot.services import Services

CHANNEL = MINIAPP
routes = ApiRoutes("session")


@dataclass(frozen=True)
class ApiSession:
    token_hash: str
    openid: str

    @property
    def subject(self) -> str:
        """Rate limits and dedup keys: derived from the token, so it names nobody."""
        return self.token_hash[:32]


class LoginIn(In):
    code: str = Field(min_length=1, max_length=128, description="wx.login 返回的 code")


class LoginOut(BaseModel):
    token: str = Field(description="放在 Authorization: Bearer 头里")
    expires_in: int = Field(description="有效秒数;过期后重新登录")


class Done(BaseModel):
    ok: bool = True


async def create_session(openid: str, services: "Services", config: "ApiConfig") -> str:
    token = secrets.token_urlsafe(32)
    value = json.dumps({"o": services.cipher.seal(openid, aad=CHANNEL), "t": int(services.clock())})
    await services.redis.set(keys.api_session(token_hash(token)), value, ex=config.session_ttl_s)
    return token


def bearer(request: web.Request) -> str | None:
    auth = request.headers.get("Authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def load_session(request: web.Request, services: "Services", config: "ApiConfig") -> ApiSession:
    token = bearer(request)
    if token is None:
        raise fail("unauthorized")
    digest = token_hash(token)
    raw = await services.redis.get(keys.api_session(digest))
    if raw is None:  # expired, logged out or never issued: the client logs in again either way
        raise fail("session_expired")
    try:
        openid = services.cipher.open(json.loads(raw)["o"], aad=CHANNEL)
    except Exception:  # keys rotated away or a damaged value: treat as expired
        raise fail("session_expired") from None
    return ApiSession(digest, openid)


@routes.post("/session", body=LoginIn, response=LoginOut, auth=False, bucket="login",
             errors=("login_failed", "login_unavailable"), summary="用 wx.login 的 code 登录")
async def login(call: Call, body: LoginIn) -> LoginOut:
    from bot.wechat_api import WeChatAPIError

    try:
        result = await call.services.miniapp.code2session(body.code)
    except WeChatAPIError as err:
        raise fail("login_unavailable" if err.retryable or err.errcode < 0 else "login_failed") from None
    openid = result.get("openid")
    if not openid:
        raise fail("login_failed")
    token = await create_session(openid, call.services, call.config)
    return LoginOut(token=token, expires_in=call.config.session_ttl_s)


@routes.delete("/session", response=Done, summary="退出登录")
async def logout(call: Call) -> Done:
    await call.services.redis.delete(keys.api_session(call.me.token_hash))
    return Done()
