"""The mini-program JSON API under /api/v1 (and, when enabled, bot/open311 under /open311/v2).

    session.py    login by wx.login code, opaque session token (Redis, TTL)
    pickers.py    categories, townships, villages
    reports.py    filing (similar open cases offered first), 附议
    uploads.py    attachments of a report (multipart)
    followup.py   my reports, by number or receipt, rating
    supplements.py the office's questions answered, more added after filing (text, then files)
    subscriptions.py which subscribe-message templates the user accepted (wx.requestSubscribeMessage)
    subsidies.py  惠民资金查询
    publication.py 公开: 权力清单, 村务公开, 公示, 查处结果, 点题
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
OPEN311_PREFIX = "/open311/v2"  # bot/open311 (off unless QINGFENG_OPEN311=1)


def endpoints() -> list[Endpoint]:
    from bot.api import followup, pickers, publication, reports, session, subscriptions, subsidies, supplements, uploads

    modules: list[Any] = [session, pickers, reports, uploads, followup, supplements, subsidies, subscriptions,
                          publication]
    return [ep for m in modules for ep in m.routes.endpoints]


def openapi_document(open311: bool = False) -> dict[str, Any]:
    """The mini-program API, and Open311 when it is enabled (the document lists what is served)."""
    from bot import open311 as georeport
    from bot.api.openapi import build

    return build(endpoints() + (georeport.endpoints() if open311 else []))


def mount(app: web.Application, services: "Services") -> None:
    from bot import open311

    config = services.settings.api.model_copy()
    app[API_CONFIG] = config
    document = openapi_document(open311=services.settings.open311)

    async def openapi_json(_: web.Request) -> web.Response:
        return web.json_response(document)

    sub = web.Application(middlewares=[error_middleware])
    sub[API_CONFIG] = config
    for ep in endpoints():
        sub.router.add_route(ep.method, ep.path, bind(ep, services, config))
    sub.router.add_get("/openapi.json", openapi_json)
    app.add_subapp(API_PREFIX, sub)
    open311.mount(app, services, config)
