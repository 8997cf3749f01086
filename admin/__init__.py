"""The admin panel under /admin (aiohttp-jinja2, server-rendered).

    from admin import mount          # bot/app.py _mounts(): mount(app, services)
    from admin.accounts import create_user
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web as aioweb  # not `web`: importing admin.web rebinds that name in this package

if TYPE_CHECKING:
    from bot.services import Services


def mount(app: aioweb.Application, services: "Services") -> None:
    from admin.web import create_subapp

    async def _to_panel(_: aioweb.Request) -> aioweb.StreamResponse:
        raise aioweb.HTTPFound("/admin/")

    app.router.add_get("/admin", _to_panel)
    app.add_subapp("/admin/", create_subapp(services))
