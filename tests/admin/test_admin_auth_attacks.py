"""Sign-in under attack (issue 20 item 13): nobody can lock the county admin out; a TOTP code works once."""
from __future__ import annotations

import re
from typing import Any

import aiohttp
import pyotp

from tests.admin.conftest import PASSWORDS, Panel


async def _panel_from(app_server: Any, address: str) -> Panel:
    """A browser on another machine: its connections come from `address` (any 127.x is loopback)."""
    http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(address, 0)),
                                 cookie_jar=aiohttp.CookieJar(unsafe=True))
    return Panel(str(app_server.make_url("")).rstrip("/"), http)


async def test_failed_sign_ins_from_elsewhere_never_lock_the_county_admin_out(accounts: Any, app_server: Any,
                                                                             services: Any) -> None:
    admin = await _panel_from(app_server, "127.0.0.2")
    attacker = await _panel_from(app_server, "127.0.0.3")
    try:
        await admin.sign_in("county_admin")  # enrols TOTP
        for _ in range(6):
            await attacker.get("/admin/login")
            status, _ = await attacker.post("/admin/login", {"username": "county_admin", "password": "guess-123456"})
            assert status in (401, 429)
        await attacker.get("/admin/login")
        status, body = await attacker.post("/admin/login", {"username": "county_admin",
                                                            "password": PASSWORDS["county_admin"]})
        assert status == 429 and "锁定" in body  # the guessing address is stopped…
        await admin.post("/admin/logout")
        await admin.get("/admin/login")
        status, body = await admin.post("/admin/login", {"username": "county_admin",
                                                         "password": PASSWORDS["county_admin"]})
        assert status == 200 and 'action="/admin/login/totp"' in body  # …the admin's own sign-in goes on
    finally:
        await admin.http.close()
        await attacker.http.close()


async def test_totp_code_cannot_be_used_twice(accounts: Any, panel_factory: Any) -> None:
    first = await panel_factory()
    await first.get("/admin/login")
    _, body = await first.post("/admin/login", {"username": "county_admin", "password": PASSWORDS["county_admin"]})
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', body).group(1)  # type: ignore[union-attr]
    code = pyotp.TOTP(secret).now()
    status, _ = await first.post("/admin/login/enroll", {"code": code})
    assert status == 200
    for _ in range(2):  # an onlooker who saw the code types it in, twice
        other = await panel_factory()
        await other.get("/admin/login")
        _, body = await other.post("/admin/login", {"username": "county_admin",
                                                    "password": PASSWORDS["county_admin"]})
        assert 'action="/admin/login/totp"' in body
        status, _ = await other.post("/admin/login/totp", {"code": code})
        assert status == 401
