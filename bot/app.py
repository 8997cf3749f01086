"""The application factory: one aiohttp app for WeChat endpoints, the mini-program API and the panel."""
from __future__ import annotations

import logging
from typing import Any, Callable

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from bot.config import Settings, load_settings
from bot.dispatch import Dispatcher
from bot.logs import request_id_middleware
from bot.services import Runtime, Services, close_services, connect_services

log = logging.getLogger("qingfeng.app")

SERVICES = web.AppKey("services", Services)
DISPATCHER = web.AppKey("dispatcher", Dispatcher)

# Feature areas that add routes or sub-apps: (app, services) -> None, called in order.
Mount = Callable[[web.Application, Services], None]


def _mounts() -> list[Mount]:
    mounts: list[Mount] = []
    from bot.metrics import mount as metrics_mount; mounts.append(metrics_mount)  # /metrics (Prometheus)
    from bot.inbound_queue import mount as queue_mount; mounts.append(queue_mount)  # messages past the in-flight limit
    from bot.api import mount as api_mount; mounts.append(api_mount)  # mini-program API and Open311
    from admin import mount as admin_mount; mounts.append(admin_mount)  # the panel under /admin
    from handlers.report import warm_up; mounts.append(warm_up)  # nlp model and registry before the first message
    from handlers.publication.powers import warm_up as powers_warm_up; mounts.append(powers_warm_up)  # 权力清单
    return mounts


class PathOnlyAccessLogger(AbstractAccessLogger):
    """WeChat puts the openid in the query string: log the path only, never the query."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        if response.status < 300 and request.path.startswith("/wechat/"):
            return  # WeChat's traffic is high-volume: inbound logs its rejections itself
        self.logger.info("%s %s %s %.1fms", request.method, request.path, response.status, time * 1000,
                         extra={"request_id": response.headers.get("X-Request-Id", "-")})


async def build_services(settings: Settings) -> Services:
    """What every process (server, worker, CLI command, test) runs on, with the domain plugged in."""
    from handlers.cases.delivery import enqueue_replies
    from handlers.model_files import sync

    async def outbox(channel: str, openid: str, texts: list[str], runtime: Runtime) -> None:
        await enqueue_replies(channel, openid, texts, runtime.cipher)

    # callers of registry() classify next: the files must be current; texts that do not fit a passive reply
    return await connect_services(settings, before_registry=sync, outbox=outbox)


def make_dispatcher(services: Services) -> Dispatcher:
    import handlers

    return Dispatcher(services, handlers.routers(), fallback=handlers.fallback())


async def create_app(settings: Settings | None = None, services: Services | None = None) -> web.Application:
    """Build the app. Pass `services` to share them (tests, the demo); else they are built and owned here."""
    from bot.log_hygiene import install

    install()
    settings = settings or load_settings()
    owned = services is None
    services = services or await build_services(settings)
    from bot import client_address

    # first: every later limit and log sees the resolved client address
    app = web.Application(client_max_size=settings.max_body_bytes, middlewares=[request_id_middleware, client_address.middleware(services)])
    dispatcher = make_dispatcher(services)
    app[SERVICES] = services
    app[DISPATCHER] = dispatcher

    from bot import wechat_mp, wechat_work

    app.add_routes(wechat_mp.routes(services, dispatcher))
    app.add_routes(wechat_work.routes(services, dispatcher))
    app.on_response_prepare.append(_server_header)
    app.router.add_get("/healthz", _health)
    app.router.add_get("/readyz", _ready)
    for mount in _mounts():
        mount(app, services)
    if owned:
        async def _cleanup(_: web.Application) -> None:
            await dispatcher.close()
            await close_services(services)

        app.on_cleanup.append(_cleanup)
    else:
        async def _drain(_: web.Application) -> None:
            await services.drain()
            await dispatcher.close()

        app.on_cleanup.append(_drain)
    return app


async def _server_header(request: web.Request, response: web.StreamResponse) -> None:
    """aiohttp would announce itself and Python with their versions: an attacker's shortcut to known flaws."""
    response.headers["Server"] = "qingfeng"


async def _health(request: web.Request) -> web.Response:
    """The process lives and serves: nothing outside it is asked (a load balancer's liveness probe)."""
    return web.json_response({"ok": True})


READY_TIMEOUT_S = 2.0


async def _ready(request: web.Request) -> web.Response:
    """PostgreSQL (or SQLite) and Redis each answer within READY_TIMEOUT_S: 200, else 503 naming who did not."""
    import asyncio

    from tortoise import Tortoise

    services = request.app[SERVICES]

    async def check(probe: Any) -> str:
        try:
            await asyncio.wait_for(probe(), READY_TIMEOUT_S)
            return "ok"
        except asyncio.TimeoutError:
            return "timeout"
        except Exception as exc:
            return type(exc).__name__

    database, redis = await asyncio.gather(
        check(lambda: Tortoise.get_connection("default").execute_query("SELECT 1")),
        check(services.redis.ping))
    ok = database == redis == "ok"
    return web.json_response({"ok": ok, "database": database, "redis": redis}, status=200 if ok else 503)
