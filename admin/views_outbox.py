"""Refused and delayed outbound messages (county roles), with an audited re-send.

    GET  /outbox              WeChat's definitive refusals (43004 unfollowed, 40003 bad openid…) and the
                              messages tried QINGFENG_OUTBOX_MAX_ATTEMPTS times and still retried
    POST /outbox/{id}/resend  back to the queue, with a reason (audit: outbox.resend)

No recipient and no text is shown: both stay sealed (handlers.cases.refused).
"""
from __future__ import annotations

from typing import Any

from aiohttp import web

from admin import scope
from admin.web import render, services_of, staff_of
from handlers.cases import refused as refused_messages
from storage.models import COUNTY_ROLES

routes = web.RouteTableDef()


async def _page(request: web.Request, **ctx: Any) -> web.Response:
    max_attempts = services_of(request).settings.outbox.max_attempts
    refused, refused_total = await refused_messages.refused()
    delayed, delayed_total = await refused_messages.delayed(max_attempts)
    base: dict[str, Any] = {"refused": refused, "refused_total": refused_total, "delayed": delayed,
                            "delayed_total": delayed_total, "max_attempts": max_attempts, "error": "", "resent": None}
    base.update(ctx)
    return render(request, "outbox.html", base, status=400 if base["error"] else 200)


@routes.get("/outbox")
async def outbox_page(request: web.Request) -> web.Response:
    scope.require(staff_of(request), COUNTY_ROLES)
    return await _page(request)


@routes.post("/outbox/{id:\\d+}/resend")
async def outbox_resend(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, COUNTY_ROLES)
    form = await request.post()
    reason = str(form.get("reason", "")).strip()
    message_id = int(request.match_info["id"])
    if not reason:
        return await _page(request, error="请填写重发理由（例如：收件人已重新关注公众号）。")
    try:
        await refused_messages.resend(message_id, f"staff:{staff.id}", reason)
    except refused_messages.NotResendable as exc:
        return await _page(request, error=str(exc))
    return await _page(request, resent=message_id)
