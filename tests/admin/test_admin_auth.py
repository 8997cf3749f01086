"""Sign-in, TOTP, lock-out, CSRF, sign-out and password change, over real HTTP."""
from __future__ import annotations

import time
from typing import Any

import pyotp

from admin.accounts import staff_totp_secret
from admin.security import MAX_FAILURES
from storage.models import AuditEntry, Staff
from tests.admin.conftest import PASSWORDS, signed_in


async def test_township_staff_signs_in_with_password_and_sees_dashboard(accounts: Any, panel_factory: Any) -> None:
    panel = await panel_factory()
    status, body = await panel.sign_in("nanba_staff")
    assert status == 200
    assert "概览" in body and "nanba_staff" in body and "办结率" in body


async def test_session_cookie_is_httponly_strict_and_opaque(accounts: Any, panel_factory: Any, services: Any) -> None:
    panel = await panel_factory()
    await panel.get("/admin/login")
    async with panel.http.post(panel.base + "/admin/login", allow_redirects=False,
                               data={"csrf": panel.csrf, "username": "nanba_staff",
                                     "password": PASSWORDS["nanba_staff"]}) as r:
        assert r.status == 302
        cookie = r.cookies["qf_admin"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/admin"
    assert not cookie["secure"]  # plain HTTP on loopback
    staff = await Staff.get(username="nanba_staff")
    # Redis holds a hash of the cookie, never the cookie itself.
    keys = [k.decode() for k in await services.redis.keys("qf:admin:session:*")]
    assert keys and all(cookie.value not in k for k in keys)
    assert len(cookie.value) >= 40 and staff.username not in cookie.value


async def test_cookie_is_secure_behind_tls_proxy(accounts: Any, panel_factory: Any) -> None:
    panel = await panel_factory()
    async with panel.http.get(panel.base + "/admin/login", headers={"X-Forwarded-Proto": "https"}) as r:
        login_cookie = r.cookies["qf_login"]
        assert login_cookie["secure"]
        panel._remember(await r.text())
    # (the client keeps Secure cookies for https only: the proxy's side of the hop is played by hand)
    async with panel.http.post(panel.base + "/admin/login", allow_redirects=False,
                               headers={"X-Forwarded-Proto": "https", "Cookie": f"qf_login={login_cookie.value}"},
                               data={"csrf": panel.csrf, "username": "nanba_staff",
                                     "password": PASSWORDS["nanba_staff"]}) as r:
        assert r.cookies["qf_admin"]["secure"]
        assert "max-age" in r.headers.get("Strict-Transport-Security", "")


async def test_wrong_password_refused_then_account_locked_even_for_right_password(accounts: Any,
                                                                                   panel_factory: Any) -> None:
    panel = await panel_factory()
    for _ in range(MAX_FAILURES):
        await panel.get("/admin/login")
        status, body = await panel.post("/admin/login", {"username": "nanba_staff", "password": "wrong-password!"})
        assert status in (401, 429)
    await panel.get("/admin/login")
    status, body = await panel.post("/admin/login", {"username": "nanba_staff", "password": PASSWORDS["nanba_staff"]})
    assert status == 429 and "锁定" in body
    assert await AuditEntry.filter(action="auth.locked").count() == 1
    # Another account is not locked by this one's failures.
    other = await panel_factory()
    status, _ = await other.sign_in("dongling_staff")
    assert status == 200


async def test_county_role_must_enrol_totp_then_needs_the_code(accounts: Any, panel_factory: Any,
                                                               services: Any) -> None:
    panel = await panel_factory()
    await panel.get("/admin/login")
    status, body = await panel.post("/admin/login", {"username": "county_admin",
                                                     "password": PASSWORDS["county_admin"]})
    assert 'id="totp-secret"' in body  # first sign-in: enrolment
    # Half-signed-in: the cases page is not reachable yet.
    status, body = await panel.get("/admin/cases")
    assert "cases" not in body or 'id="totp-secret"' in body
    await panel.sign_in("county_admin")  # starting over from the login page while half-signed-in works
    staff = await Staff.get(username="county_admin")
    secret = staff_totp_secret(staff, services.cipher)
    assert secret and staff.totp_secret_enc and secret not in staff.totp_secret_enc

    second = await panel_factory()
    await second.get("/admin/login")
    status, body = await second.post("/admin/login", {"username": "county_admin",
                                                      "password": PASSWORDS["county_admin"]})
    assert 'action="/admin/login/totp"' in body
    status, _ = await second.post("/admin/login/totp", {"code": "000000" if pyotp.TOTP(secret).now() != "000000"
                                                        else "111111"})
    assert status == 401
    status, _ = await second.get("/admin/cases", allow_redirects=False)
    assert status == 302
    # the enrolment spent the current code (a code works once): the next one, valid already, signs in
    status, body = await second.post("/admin/login/totp", {"code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert status == 200 and "概览" in body


async def test_posts_without_csrf_token_are_refused(accounts: Any, panel_factory: Any) -> None:
    anon = await panel_factory()
    await anon.get("/admin/login")
    status, _ = await anon.post("/admin/login", {"username": "nanba_staff", "password": PASSWORDS["nanba_staff"]},
                                csrf=False)
    assert status == 403
    panel = await panel_factory()
    await panel.sign_in("nanba_staff")
    status, _ = await panel.post("/admin/password", {"current": PASSWORDS["nanba_staff"], "new": "x" * 12,
                                                     "again": "x" * 12}, csrf=False)
    assert status == 403
    status, _ = await panel.post("/admin/password", {"csrf": "forged", "current": PASSWORDS["nanba_staff"],
                                                     "new": "x" * 12, "again": "x" * 12})
    assert status == 403
    status, _ = await panel.post("/admin/logout", csrf=False, allow_redirects=False)
    assert status == 403
    status, _ = await panel.get("/admin/")
    assert status == 200  # still signed in: the forged posts changed nothing


async def test_sign_out_ends_the_session(accounts: Any, panel_factory: Any) -> None:
    panel = await panel_factory()
    await panel.sign_in("nanba_staff")
    stolen = panel.http.cookie_jar.filter_cookies(panel.base + "/admin/")["qf_admin"].value
    status, body = await panel.post("/admin/logout")
    assert "登录" in body
    replay = await panel_factory()
    replay.http.cookie_jar.update_cookies({"qf_admin": stolen})
    status, _ = await replay.get("/admin/cases", allow_redirects=False)
    assert status == 302


async def test_password_change_ends_other_sessions_and_new_password_works(accounts: Any, panel_factory: Any,
                                                                           services: Any) -> None:
    laptop = await signed_in(panel_factory, services, "nanba_staff")
    phone = await signed_in(panel_factory, services, "nanba_staff")
    await laptop.get("/admin/password")
    status, body = await laptop.post("/admin/password", {"current": PASSWORDS["nanba_staff"],
                                                         "new": "a-new-long-password", "again": "a-new-long-password"})
    assert status == 200 and "密码已修改" in body
    status, _ = await laptop.get("/admin/cases")
    assert status == 200
    status, _ = await phone.get("/admin/cases", allow_redirects=False)
    assert status == 302
    fresh = await panel_factory()
    status, body = await fresh.sign_in("nanba_staff", "a-new-long-password")
    assert status == 200 and "概览" in body
    short = await laptop.post("/admin/password", {"current": "a-new-long-password", "new": "short", "again": "short"})
    assert short[0] == 400


async def test_unauthenticated_requests_go_to_login(app_server: Any, accounts: Any, panel_factory: Any) -> None:
    panel = await panel_factory()
    for path in ("/admin/", "/admin/cases", "/admin/cases/1", "/admin/audit", "/admin/cases/export.xlsx"):
        status, _ = await panel.get(path, allow_redirects=False)
        assert status == 302, path
    status, _ = await panel.post("/admin/cases/1/action", {"action": "accept"}, csrf=False)
    assert status in (401, 403)


async def test_panel_address_without_slash_leads_to_the_panel(accounts: Any, panel_factory: Any) -> None:
    panel = await panel_factory()
    status, _ = await panel.get("/admin", allow_redirects=False)
    assert status == 302
    status, body = await panel.get("/admin")
    assert status == 200 and "登录" in body
