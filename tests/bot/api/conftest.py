"""Fixtures for the mini-program API: a mini-program client over real HTTP to the running app."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.api.config import API_CONFIG, ApiConfig
from tests.handlers.conftest import villager  # noqa: F401  (the chat side of the lifecycle tests)

HUJIAZHUANG = "610798101201"
NANBA = "610798101"
DONGLING = "610798102"
DONGLING_SHIQIAO = "610798102202"
QINGSHUI = "610798201"
LOW_INCOME = "胡家庄村的村支书把我家低保扣了,去年一年都没发"


@dataclass
class Resp:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def code(self) -> str | None:
        return self.body.get("error", {}).get("code") if isinstance(self.body, dict) else None


@dataclass
class MiniProgram:
    """One mini-program user: logs in with a wx.login code and calls the API as the client would."""

    http: Any
    base: str
    code: str
    token: str | None = None

    async def login(self) -> str:
        r = await self.call("POST", "/api/v1/session", json={"code": self.code}, auth=False)
        assert r.status == 200, r.body
        self.token = r.body["token"]
        return self.token

    async def call(self, method: str, path: str, *, auth: bool = True, headers: dict[str, str] | None = None,
                   **kw: Any) -> Resp:
        h = dict(headers or {})
        if auth and self.token:
            h["Authorization"] = f"Bearer {self.token}"
        async with self.http.request(method, self.base + path, headers=h, **kw) as r:
            ctype = r.headers.get("Content-Type", "")
            body = await r.json() if "json" in ctype else await r.text()
            return Resp(r.status, body, dict(r.headers))

    async def get(self, path: str, **kw: Any) -> Resp:
        return await self.call("GET", path, **kw)

    async def post(self, path: str, json: Any = None, **kw: Any) -> Resp:
        return await self.call("POST", path, json=json, **kw)

    async def report(self, text: str = LOW_INCOME, **fields: Any) -> Resp:
        return await self.post("/api/v1/reports", {"text": text, **fields})


@pytest.fixture
def api_config(app_server: Any) -> Any:
    """The running app's API limits; restored after the test."""
    cfg = app_server.app[API_CONFIG]
    saved = dict(vars(cfg))
    yield cfg
    for k, v in saved.items():
        setattr(cfg, k, v)


@pytest.fixture
def base_url(app_server: Any) -> str:
    return str(app_server.make_url("")).rstrip("/")


@pytest.fixture
def make_user(http: Any, base_url: str, registry_loaded: Any) -> Any:
    def make(code: str | None = None) -> MiniProgram:
        return MiniProgram(http, base_url, code or "code-" + secrets.token_hex(8))

    return make


@pytest.fixture
async def user(make_user: Any) -> MiniProgram:
    u = make_user()
    await u.login()
    return u


__all__ = ["ApiConfig", "MiniProgram", "Resp"]
