"""Fixtures of the panel's tests: accounts of every role, cases filed the real way, a signed-in HTTP client."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any, AsyncIterator

import aiohttp
import pyotp
import pytest
import pytest_asyncio
from argon2 import PasswordHasher, Type

from admin.accounts import create_user, staff_totp_secret
from storage.models import ImportBatch, Staff, SubsidyRecord

PASSWORDS = {
    "county_admin": "county-admin-pass-1",
    "county_staff": "county-staff-pass-1",
    "nanba_staff": "nanba-staff-pass-1",
    "dongling_staff": "dongling-staff-pass-1",
    "hujia_monitor": "hujia-monitor-pass-1",
    "auditor": "auditor-pass-12",
}
ACCOUNTS = [
    ("county_admin", "county_admin", "610798"),
    ("county_staff", "county_staff", "610798"),
    ("nanba_staff", "township_staff", "610798101"),
    ("dongling_staff", "township_staff", "610798102"),
    ("hujia_monitor", "monitor", "610798101201"),
    ("auditor", "auditor", "610798"),
]
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Panel:
    """A browser-like client: cookie jar, CSRF taken from the last form, like a person would submit it."""

    base: str
    http: aiohttp.ClientSession
    csrf: str = ""
    last: str = ""

    async def get(self, path: str, **kw: Any) -> tuple[int, str]:
        async with self.http.get(self.base + path, allow_redirects=kw.pop("allow_redirects", True), **kw) as r:
            body = await r.text() if (r.content_type or "").startswith("text") else ""
            self._remember(body)
            return r.status, body

    async def get_bytes(self, path: str) -> tuple[int, bytes, str]:
        async with self.http.get(self.base + path) as r:
            return r.status, await r.read(), r.content_type

    async def post(self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True,
                   allow_redirects: bool = True) -> tuple[int, str]:
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf", self.csrf)
        async with self.http.post(self.base + path, data=form, allow_redirects=allow_redirects) as r:
            body = await r.text()
            self._remember(body)
            return r.status, body

    def _remember(self, body: str) -> None:
        self.last = body
        m = CSRF_RE.search(body)
        if m:
            self.csrf = m.group(1)

    async def sign_in(self, username: str, password: str | None = None, *, totp: str | None = None) -> tuple[int, str]:
        await self.get("/admin/login")
        status, body = await self.post("/admin/login", {"username": username,
                                                        "password": password or PASSWORDS[username]})
        if "/login/enroll" in body or "totp-secret" in body:
            secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', body).group(1)  # type: ignore[union-attr]
            status, body = await self.post("/admin/login/enroll", {"code": pyotp.TOTP(secret).now()})
        elif 'action="/admin/login/totp"' in body:
            status, body = await self.post("/admin/login/totp", {"code": totp or ""})
        return status, body


@pytest_asyncio.fixture
async def subsidy_cleanup(services: Any) -> AsyncIterator[None]:
    """tests/conftest.py's SQLite truncation deletes villages before the records that point at them."""
    yield
    await SubsidyRecord.all().delete()
    await ImportBatch.all().delete()


@pytest.fixture(autouse=True, scope="session")
def _cheap_argon2() -> Any:
    """Still argon2id, with small costs: the production parameters cost ~0.2 s a hash on CI's cores."""
    import admin.accounts as acc

    saved = acc.HASHER
    acc.HASHER = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, type=Type.ID)
    yield
    acc.HASHER = saved


@pytest_asyncio.fixture
async def accounts(registry_loaded: Any) -> dict[str, Staff]:
    return {u: await create_user(u, role, code, PASSWORDS[u]) for u, role, code in ACCOUNTS}


@pytest_asyncio.fixture
async def panel_factory(app_server: Any, services: Any) -> AsyncIterator[Any]:
    sessions: list[aiohttp.ClientSession] = []
    base = str(app_server.make_url("")).rstrip("/")

    async def make() -> Panel:
        s = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        sessions.append(s)
        return Panel(base, s)

    yield make
    for s in sessions:
        await s.close()


async def signed_in(panel_factory: Any, services: Any, username: str) -> Panel:
    """A panel client signed in as `username`, passing TOTP for county roles as a person would."""
    panel = await panel_factory()
    await panel.get("/admin/login")
    status, body = await panel.sign_in(username)
    staff = await Staff.get(username=username)
    secret = staff_totp_secret(staff, services.cipher)
    if 'action="/admin/login/totp"' in body and secret:
        totp = pyotp.TOTP(secret)
        status, body = await panel.post("/admin/login/totp", {"code": totp.now()})
        if status == 401:  # this test signed this account in already with the current code: a code works once
            status, body = await panel.post("/admin/login/totp", {"code": totp.at(time.time() + 30)})
    assert status == 200 and "退出" in body, body[:500]
    return panel


async def file_case(services: Any, text: str, *, township: str, village: str = "", category: str = "subsidy_fraud",
                    anonymous: bool = True, name: str | None = None, phone: str | None = None,
                    openid: str | None = None, keywords: list[str] | None = None) -> Any:
    """A report filed through the real filing path (routing, events, lifecycle hooks)."""
    from handlers.cases.filing import ReportDraft, file_report

    draft = ReportDraft(channel="mp", text=text, category=category, township=township, village=village,
                        level="village", confidence=0.9, keywords=keywords or ["低保"], anonymous=anonymous,
                        openid=openid, name=name, phone=phone)
    return (await file_report(draft, services)).case
