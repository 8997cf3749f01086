"""村监督码 (码上监督): each village's QR code, and a poster to print and put up in the village.

    /qrcodes            the villages, each with its poster
    /qrcodes/{village}  the printable poster: the QR code from WeChat, the village, what scanning does
"""
from __future__ import annotations

import base64

from aiohttp import web

from admin import scope
from admin.web import render, services_of, staff_of
from storage.models import Township, Village

routes = web.RouteTableDef()


@routes.get("/qrcodes")
async def qrcodes(request: web.Request) -> web.Response:
    scope.require(staff_of(request), scope.ADMIN_ROLES)
    towns = dict(await Township.all().values_list("code", "name"))
    villages = await Village.all().order_by("code").values("code", "name", "township_id")
    return render(request, "qrcodes.html", {"villages": [
        {**v, "township_name": towns.get(v["township_id"], "")} for v in villages]})


@routes.get("/qrcodes/{village}")
async def poster(request: web.Request) -> web.Response:
    from bot.wechat_api import WeChatAPIError
    from handlers.village_qrcode import village_qr_png

    scope.require(staff_of(request), scope.ADMIN_ROLES)
    village = await Village.get_or_none(code=request.match_info["village"]).prefetch_related("township")
    if village is None:
        raise web.HTTPNotFound(text="行政区划中没有这个村。")
    township = village.township.name if village.township else ""  # type: ignore[attr-defined]
    ctx = {"village": village, "township": township, "qr": "", "error": ""}
    try:
        png = await village_qr_png(village.code, services_of(request))
        ctx["qr"] = "data:image/png;base64," + base64.b64encode(png).decode()
    except WeChatAPIError as err:  # precise, for the admin: WeChat's errcode
        ctx["error"] = f"微信未能生成二维码(errcode {err.errcode}: {err.errmsg}),请检查公众号的接口权限后重试。"
    return render(request, "qr_poster.html", ctx, status=502 if ctx["error"] else 200)
