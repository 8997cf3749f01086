"""Open311 GeoReport v2, read-only, for outside dashboards: published, de-identified case status.

Off unless QINGFENG_OPEN311=1 (SPEC "Contracts"). When on, under /open311/v2:

    GET discovery.{json|xml}              Service Discovery
    GET services.{json|xml}               the categories in remit
    GET services/{code}.{json|xml}        a service definition (no attributes)
    GET requests.{json|xml}               published cases (GeoReport filters, 90-day default window)
    GET requests/{id}.{json|xml}          one published case

    models.py   what a response holds (pydantic; also the OpenAPI schemas)
    query.py    GeoReport's query rules: empty is absent, comma lists, W3C dates, the 90-day window
    render.py   JSON or XML by the path's suffix, errors as [{"code", "description"}]
    views.py    the handlers and what a case publishes

A case publishes its number, category, place names, status and the days it was
filed and last changed (no times: a time to the minute can name the reporter to
whoever saw them send it), and its office only when its own township handles it
(an avoidance case would otherwise say where it went). Nothing of `other`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.api.routing import Endpoint

if TYPE_CHECKING:
    from bot.services import Services

PREFIX = "/open311/v2"


def endpoints() -> list[Endpoint]:
    from bot.open311.views import routes

    return list(routes.endpoints)


def mount(app: web.Application, services: "Services", config: Any) -> None:
    """Adds the sub-app when Open311 is enabled; otherwise nothing is served under the prefix.
    `config`: the API's limits (bot.api.mount calls this with the app's copy)."""
    if not services.settings.open311:
        return
    from bot.open311.render import error_middleware
    from bot.open311.views import bind

    sub = web.Application(middlewares=[error_middleware])
    for ep in endpoints():
        sub.router.add_route(ep.method, ep.path, bind(ep, services, config))
    app.add_subapp(PREFIX, sub)
