"""Sign-in, second factor (TOTP, county roles), sign-out and password change.

    GET/POST /login ──password ok──┬─ township, monitor, auditor ───────────────> /
                                   ├─ county role with TOTP ─> /login/totp ─────> /
                                   └─ county role without ──> /login/enroll ────> /
Failures lock an account only for the address that made them, an address spraying
many accounts is locked, and an account's failures from everywhere only slow its
answers down (admin.security): nobody can lock the county admin out. Locks are
audited. A TOTP code works once.
"""
from __future__ import annotations

import asyncio

from aiohttp import web

from admin import accounts, security
from admin.web import render, services_of, staff_of
from storage import audit
from storage.models import Staff

routes = web.RouteTableDef()
LOCKED_MSG = "尝试次数过多，已暂时锁定从这里的登录，请15分钟后再试。"


def _stamp(staff: Staff) -> str:
    return security.password_stamp(staff.password_changed_at)


def _login_page(request: web.Request, error: str = "", status: int = 200) -> web.Response:
    token = security.new_login_token()
    resp = render(request, "login.html", {"login_token": token, "error": error}, status=status)
    security.set_cookie(resp, request, security.LOGIN_COOKIE, token, max_age=1800)
    return resp


def _signed_in(request: web.Request, sid: str, to: str) -> web.Response:
    resp = web.Response(status=302, headers={"Location": to})
    security.set_cookie(resp, request, security.COOKIE, sid, max_age=None)
    resp.del_cookie(security.LOGIN_COOKIE, path="/admin")
    return resp


@routes.get("/login")
async def login_form(request: web.Request) -> web.Response:
    session = security.session_from(request)
    if session is not None and session.stage == "full":
        raise web.HTTPFound("/admin/")
    return _login_page(request)


@routes.post("/login")
async def login(request: web.Request) -> web.Response:
    services = services_of(request)
    form = await request.post()
    username = str(form.get("username", "")).strip()[:64]
    password = str(form.get("password", ""))[:256]
    throttle = security.Throttle(services.redis, services.settings.session_secret)
    ip = security.client_ip(request)
    if await throttle.locked(username, ip):
        return _login_page(request, LOCKED_MSG, status=429)
    await asyncio.sleep(await throttle.delay(username, ip))
    staff = await Staff.get_or_none(username=username, is_active=True) if username else None
    if not await accounts.verify_password(staff, password):
        failures = await throttle.failed(username, ip)
        if failures == security.MAX_FAILURES:
            await audit.append("system", "auth.locked", f"user:{username}" if staff else "user:?",
                               {"failures": failures})
        return _login_page(request, LOCKED_MSG if failures >= security.MAX_FAILURES else "用户名或密码错误。",
                           status=429 if failures >= security.MAX_FAILURES else 401)
    assert staff is not None
    stage = "full"
    if accounts.totp_required(staff):
        stage = "totp" if staff.totp_secret_enc else "enroll"
    old = security.session_from(request)
    if old is not None:
        await security.end_session(services.redis, old)
    sid, _ = await security.create_session(services.redis, staff.id, stage, _stamp(staff))
    if stage == "full":
        await throttle.succeeded(username, ip)
        await audit.append(f"staff:{staff.id}", "auth.login", f"staff:{staff.id}", {})
        return _signed_in(request, sid, "/admin/")
    return _signed_in(request, sid, "/admin/login/" + stage)


@routes.get("/login/totp")
async def totp_form(request: web.Request) -> web.Response:
    return render(request, "totp.html", {"error": ""})


@routes.post("/login/totp")
async def totp(request: web.Request) -> web.Response:
    services = services_of(request)
    session = security.session_from(request)
    staff = staff_of(request)
    if session is None or session.stage != "totp":
        raise web.HTTPFound("/admin/login")
    throttle = security.Throttle(services.redis, services.settings.session_secret)
    ip = security.client_ip(request)
    code = str((await request.post()).get("code", ""))
    secret = accounts.staff_totp_secret(staff, services.cipher)
    if (await throttle.locked(staff.username, ip) or not secret or not accounts.check_totp(secret, code)
            or not await security.claim_totp(services.redis, staff.id, accounts.totp_digits(code),
                                               services.settings.session_secret)):
        failures = await throttle.failed(staff.username, ip)
        if failures >= security.MAX_FAILURES:
            await security.end_session(services.redis, session)
            resp = _login_page(request, LOCKED_MSG, status=429)
            resp.del_cookie(security.COOKIE, path="/admin")
            return resp
        return render(request, "totp.html", {"error": "动态验证码不正确。"}, status=401)
    await throttle.succeeded(staff.username, ip)
    sid, _ = await security.promote(services.redis, session)
    await audit.append(f"staff:{staff.id}", "auth.login", f"staff:{staff.id}", {"totp": True})
    return _signed_in(request, sid, "/admin/")


@routes.get("/login/enroll")
async def enroll_form(request: web.Request) -> web.Response:
    services = services_of(request)
    session = security.session_from(request)
    staff = staff_of(request)
    if session is None or session.stage != "enroll":
        raise web.HTTPFound("/admin/login")
    if not session.pending_totp:
        session.pending_totp = services.cipher.seal(accounts.new_totp_secret(), aad="totp-enroll")
        await security.save_session(services.redis, session)
    secret = services.cipher.open(session.pending_totp, aad="totp-enroll")
    uri = accounts.totp_uri(staff, secret)
    return render(request, "enroll.html", {"secret": secret, "uri": uri, "qr": accounts.totp_qr_svg(uri), "error": ""})


@routes.post("/login/enroll")
async def enroll(request: web.Request) -> web.Response:
    services = services_of(request)
    session = security.session_from(request)
    staff = staff_of(request)
    if session is None or session.stage != "enroll" or not session.pending_totp:
        raise web.HTTPFound("/admin/login")
    secret = services.cipher.open(session.pending_totp, aad="totp-enroll")
    code = str((await request.post()).get("code", ""))
    if not accounts.check_totp(secret, code) or not await security.claim_totp(
            services.redis, staff.id, accounts.totp_digits(code), services.settings.session_secret):
        uri = accounts.totp_uri(staff, secret)
        return render(request, "enroll.html", {"secret": secret, "uri": uri, "qr": accounts.totp_qr_svg(uri),
                                               "error": "动态验证码不正确，请核对手机上的时间后重试。"}, status=401)
    await accounts.set_totp_secret(staff, secret, services.cipher)
    sid, _ = await security.promote(services.redis, session)
    await audit.append(f"staff:{staff.id}", "auth.totp_enrolled", f"staff:{staff.id}", {})
    return _signed_in(request, sid, "/admin/")


@routes.post("/logout")
async def logout(request: web.Request) -> web.Response:
    session = security.session_from(request)
    if session is not None:
        await security.end_session(services_of(request).redis, session)
    resp = web.Response(status=302, headers={"Location": "/admin/login"})
    resp.del_cookie(security.COOKIE, path="/admin")
    return resp


@routes.get("/password")
async def password_form(request: web.Request) -> web.Response:
    return render(request, "password.html", {"error": "", "done": False})


@routes.post("/password")
async def password(request: web.Request) -> web.Response:
    services = services_of(request)
    staff = staff_of(request)
    form = await request.post()
    current, new, again = (str(form.get(k, "")) for k in ("current", "new", "again"))
    if not await accounts.verify_password(staff, current):
        return render(request, "password.html", {"error": "当前密码不正确。", "done": False}, status=400)
    if new != again:
        return render(request, "password.html", {"error": "两次输入的新密码不一致。", "done": False}, status=400)
    try:
        await accounts.change_password(staff, new)
    except accounts.AccountError as exc:
        return render(request, "password.html", {"error": str(exc), "done": False}, status=400)
    await audit.append(f"staff:{staff.id}", "auth.password_changed", f"staff:{staff.id}", {})
    # Every other session of this account ends (their stamp no longer matches); this one goes on.
    session = security.session_from(request)
    if session is not None:
        await security.end_session(services.redis, session)
    sid, new_session = await security.create_session(services.redis, staff.id, "full", _stamp(staff))
    request["qf_session"] = new_session
    resp = render(request, "password.html", {"error": "", "done": True})
    security.set_cookie(resp, request, security.COOKIE, sid, max_age=None)
    return resp
