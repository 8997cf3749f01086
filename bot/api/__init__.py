"""The mini-program JSON API under /api/v1 and the read-only Open311 GeoReport v2 under /open311/v2.

    session.py    login by wx.login code, opaque session token (Redis, TTL)
    pickers.py    categories, townships, villages
    reports.py    filing (similar open cases offered first), 附议
    uploads.py    attachments of a report (multipart)
    followup.py   my reports, by number or receipt, rating
    subsidies.py  惠民资金查询
    publication.py 公开: 权力清单, 村务公开, 公示, 查处结果, 点题
    open311.py    GeoReport v2
    routing.py    the route table every module declares its endpoints in
    openapi.py    the OpenAPI document, built from that table
    errors.py     {"error": {"code", "message"}}
    limits.py     rate limits per address and per session

`mount(app, services)` is the one line in bot/app.py `_mounts()`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.api.config import API_CONFIG
from bot.api.errors import error_middleware
from bot.api.routing import Endpoint, bind

if TYPE_CHECKING:
    from bot.services import Services

API_PREFIX = "/api/v1"
OPEN311_PREFIX = "/open311/v2"


def endpoints() -> list[Endpoint]:
    from bot.api import followup, open311, pickers, publication, reports, session, subsidies, uploads

    modules: list[Any] = [session, pickers, reports, uploads, followup, subsidies, publication, open311]
    return [ep for m in modules for ep in m.routes.endpoints]


def openapi_document() -> dict[str, Any]:
    from bot.api.openapi import build

    return build(endpoints())


def mount(app: web.Application, services: "Services") -> None:
    config = services.settings.api.model_copy()
    app[API_CONFIG] = config
    document = openapi_document()

    async def openapi_json(_: web.Request) -> web.Response:
        return web.json_response(document)

    subapps: dict[str, web.Application] = {}
    for prefix in (API_PREFIX, OPEN311_PREFIX):
        sub = web.Application(middlewares=[error_middleware])
        sub[API_CONFIG] = config
        subapps[prefix] = sub
    for ep in endpoints():
        subapps[ep.prefix].router.add_route(ep.method, ep.path, bind(ep, services, config))
    subapps[API_PREFIX].router.add_get("/openapi.json", openapi_json)
    for prefix, sub in subapps.items():
        app.add_subapp(prefix, sub)
