"""The panel's sub-application: templates, static files, and the middlewares every page passes.

Order of the middlewares: security headers → Chinese error pages → session → CSRF → the worklist's header
counts → the page. A page that needs a signed-in person reads `request["staff"]`; scope checks live in
admin.scope and are called by the pages themselves.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Awaitable, Callable

import aiohttp_jinja2
import jinja2
from aiohttp import web

from admin import security
from bot.services import Services
from storage.models import Staff

HERE = Path(__file__).parent
SERVICES = web.AppKey("admin_services", Services)
PENDING_OK = ("/admin/login/totp", "/admin/login/enroll", "/admin/logout")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def services_of(request: web.Request) -> Services:
    return request.app[SERVICES]


def staff_of(request: web.Request) -> Staff:
    return request["staff"]  # type: ignore[no-any-return]


# The page modules, each with its `routes`; an area adds its own with PAGES.append (before create_subapp).
PAGES: list[str] = ["views_auth", "views_dashboard", "views_cases", "views_audit", "views_registry", "views_data",
                    "views_model", "views_reports", "views_findings", "views_calendar", "views_groups", "views_qrcodes",
                    "views_worklist", "views_outbox", "views_compare_job",
                    # publication (公开)
                    "views_powers", "views_disclosures", "views_archive", "views_outcomes", "views_topics",
                    # the staff workbench (issue 18)
                    "views_intake", "views_documents", "views_replies", "views_bulk"]

# The main app caps bodies for WeChat (64 KB); these panel forms carry files.
BIG_BODIES = {"/admin/subsidies/preview": 20 * 1024 * 1024, "/admin/model/keywords": 1024 * 1024,
              "/admin/disclosures/upload": 11 * 1024 * 1024, "/admin/powers/import": 6 * 1024 * 1024,
              "/admin/intake": 51 * 1024 * 1024}


@web.middleware
async def body_size_mw(request: web.Request, handler: Handler) -> web.StreamResponse:
    cap = BIG_BODIES.get(request.path)
    if cap and request.method == "POST":
        request = request.clone(client_max_size=cap)
    return await handler(request)


@web.middleware
async def headers_mw(request: web.Request, handler: Handler) -> web.StreamResponse:
    resp = await handler(request)
    resp.headers.setdefault("Content-Security-Policy", CSP)
    resp.headers.setdefault("X-Frame-Options", "DENY")
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "no-referrer")
    if not request.path.startswith("/admin/static/"):
        resp.headers.setdefault("Cache-Control", "no-store")
    if security.behind_tls(request):
        resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return resp


@web.middleware
async def session_mw(request: web.Request, handler: Handler) -> web.StreamResponse:
    path = request.path
    if path.startswith("/admin/static/"):
        return await handler(request)
    services = services_of(request)
    session = await security.load_session(services.redis, request.cookies.get(security.COOKIE))
    staff = None
    if session is not None:
        staff = await Staff.get_or_none(id=session.staff_id)
        stamp = security.password_stamp(staff.password_changed_at) if staff else ""
        if staff is None or not staff.is_active or stamp != session.pw_stamp:
            await security.end_session(services.redis, session)
            session, staff = None, None
    request["qf_session"] = session
    request["staff"] = staff
    if path == "/admin/login":
        return await handler(request)
    if path in PENDING_OK:
        if session is None:
            raise web.HTTPFound("/admin/login")
        return await handler(request)
    if session is not None and session.stage == "full":
        return await handler(request)
    if session is not None:  # signed in half-way: finish the second factor first
        raise web.HTTPFound("/admin/login/enroll" if session.stage == "enroll" else "/admin/login/totp")
    if request.method in ("GET", "HEAD"):
        raise web.HTTPFound("/admin/login")
    raise web.HTTPUnauthorized(text="请先登录。")


@web.middleware
async def csrf_mw(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method in ("GET", "HEAD", "OPTIONS") or request.path.startswith("/admin/static/"):
        return await handler(request)
    given = await security.posted_csrf(request)
    session = security.session_from(request)
    if request.path == "/admin/login" or session is None:  # the login form: double-submit cookie
        expected = request.cookies.get(security.LOGIN_COOKIE, "")
    else:
        expected = session.csrf
    if not expected or not security.csrf_ok(expected, given):
        raise web.HTTPForbidden(text="页面已过期或表单无效，请刷新页面后重试。")
    return await handler(request)


def render(request: web.Request, template: str, ctx: dict[str, Any] | None = None, *,
           status: int = 200) -> web.Response:
    session = security.session_from(request)
    base = {"me": request.get("staff"), "csrf": session.csrf if session else "", "path": request.path,
            "signed_in": session is not None and session.stage == "full", "worklist": request.get("worklist")}
    base.update(ctx or {})
    return aiohttp_jinja2.render_template(template, request, base, status=status)


def create_subapp(services: Services) -> web.Application:
    from admin.errors import errors_mw, not_found
    from admin.worklist import worklist_mw

    app = web.Application(middlewares=[body_size_mw, headers_mw, errors_mw, session_mw, csrf_mw, worklist_mw])
    app[SERVICES] = services
    app[aiohttp_jinja2.static_root_key] = "/admin/static"
    env = aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
                               undefined=jinja2.StrictUndefined)
    from admin import filters

    filters.install(env)
    app.router.add_static("/static/", HERE / "static", name="static", append_version=True)
    for name in PAGES:
        app.add_routes(importlib.import_module(f"admin.{name}").routes)
    app.router.add_route("*", "/{tail:.*}", not_found)  # last: only what no page claimed
    return app
