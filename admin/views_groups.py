"""Village groups (county admin): which WeCom group belongs to which village, and its group robot.

    GET  /groups    bound groups, robot keys masked to their last 4 characters
    POST /groups    bind or re-bind (handlers.village_groups.bind_group); an empty key keeps the old one
"""
from __future__ import annotations

from typing import Any

from aiohttp import web

from admin import scope
from admin.web import render, services_of, staff_of
from handlers.village_groups import GroupBindError, bind_group, groups_overview

routes = web.RouteTableDef()


async def _page(request: web.Request, **ctx: Any) -> web.Response:
    base: dict[str, Any] = {"groups": await groups_overview(), "error": "", "bound": None, "form": {}}
    base.update(ctx)
    return render(request, "groups.html", base, status=400 if base["error"] else 200)


@routes.get("/groups")
async def groups_page(request: web.Request) -> web.Response:
    scope.require(staff_of(request), scope.ADMIN_ROLES)
    return await _page(request)


@routes.post("/groups")
async def groups_bind(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.ADMIN_ROLES)
    form = await request.post()
    chat_id, village = str(form.get("chat_id", "")), str(form.get("village", ""))
    key = str(form.get("webhook_key", "")).strip()
    remove = form.get("remove_robot") == "1"
    try:
        bound = await bind_group(chat_id, village, webhook_key="" if remove else (key or None),
                                 name=str(form.get("name", "")).strip() or None, actor=f"staff:{staff.id}",
                                 cipher=services_of(request).cipher)
    except GroupBindError as exc:
        # The key is never echoed back into the page, even when the binding fails.
        return await _page(request, error=str(exc), form={"chat_id": chat_id, "village": village,
                                                          "name": str(form.get("name", ""))})
    return await _page(request, bound=bound)
