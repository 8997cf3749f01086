"""The admin panel under /admin (aiohttp-jinja2, server-rendered).

    from admin import mount          # bot/app.py _mounts(): mount(app, services)
    from admin.accounts import create_user
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from bot.services import Services


def mount(app: web.Application, services: "Services") -> None:
    from admin.web import create_subapp

    async def _to_panel(_: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/admin/")

    app.router.add_get("/admin", _to_panel)
    app.add_subapp("/admin/", create_subapp(services))
