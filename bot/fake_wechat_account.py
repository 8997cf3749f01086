"""The fake's official-account features besides messages: media, parametric QR codes, the custom menu.

Checked as WeChat checks them (errcodes from its documentation): media ids the simulator made
("media…" photo, "voice…" AMR, "video…" MP4 — a video is answered with JSON and a `video_url`, as
WeChat does), `qrcode/create` with a scene and `showqrcode` with its ticket (a real QR image), and
`menu/create` with WeChat's limits (3 buttons, 5 sub-buttons, name and key sizes).
"""
from __future__ import annotations

import io
import secrets
import time
from typing import Any

from aiohttp import web

from bot.fake_media import FAKE_AMR, fake_photo, fake_video
from bot.fake_wechat import OFFICIAL, STATE, Reject, SentRecord, _check_token, _json_body

async def media_get(request: web.Request) -> web.Response:
    """`/cgi-bin/media/get`: the file itself; for a video, JSON with the address to fetch it from."""
    _check_token(request.app[STATE], request, "mp", OFFICIAL)
    media_id = request.query.get("media_id", "")
    if media_id.startswith("voice"):
        return web.Response(body=FAKE_AMR, content_type="audio/amr")
    if media_id.startswith("media"):
        return web.Response(body=fake_photo(), content_type="image/jpeg")
    if media_id.startswith("video"):
        url = f"{request.scheme}://{request.host}/_fake/video/{media_id}.mp4"
        return web.json_response({"video_url": url})
    raise Reject(40007, "invalid media_id")


async def video_file(request: web.Request) -> web.Response:
    """Where a `video_url` points (WeChat's CDN: no token)."""
    return web.Response(body=fake_video(), content_type="video/mp4")


# --- parametric QR codes (生成带参数的二维码) ---------------------------------------------------

QR_ACTIONS = {"QR_SCENE": "scene_id", "QR_STR_SCENE": "scene_str",
              "QR_LIMIT_SCENE": "scene_id", "QR_LIMIT_STR_SCENE": "scene_str"}


async def qrcode_create(request: web.Request) -> web.Response:
    state = request.app[STATE]
    appid = _check_token(state, request, "mp", OFFICIAL)
    body = await _json_body(request)
    action = body.get("action_name")
    if action not in QR_ACTIONS:
        raise Reject(40097, "invalid args: action_name")
    scene = (body.get("action_info") or {}).get("scene") or {}
    value = scene.get(QR_ACTIONS[action])
    if QR_ACTIONS[action] == "scene_str":
        if not isinstance(value, str) or not 1 <= len(value) <= 64:
            raise Reject(40097, "invalid args: scene_str must be 1 to 64 characters")
    elif not isinstance(value, int) or not (0 < value <= (100000 if action == "QR_LIMIT_SCENE" else 2**32 - 1)):
        raise Reject(40097, "invalid args: scene_id")
    ticket = "gQ" + secrets.token_urlsafe(24)
    state.qrcodes[ticket] = {"scene": value, "appid": appid, "action": action}
    state.records.append(SentRecord("qrcode", request.path, body, time.time(), appid))
    answer: dict[str, Any] = {"ticket": ticket, "url": f"http://weixin.qq.com/q/{ticket[2:14]}"}
    if not action.startswith("QR_LIMIT"):
        answer["expire_seconds"] = min(int(body.get("expire_seconds") or 60), 2592000)
    return web.json_response(answer)


async def showqrcode(request: web.Request) -> web.Response:
    """`showqrcode?ticket=` (on mp.weixin.qq.com, no token): the QR image, or 404 for a bad ticket."""
    import segno

    entry = request.app[STATE].qrcodes.get(request.query.get("ticket", ""))
    if entry is None:
        raise web.HTTPNotFound(text="invalid ticket")
    out = io.BytesIO()
    segno.make(f"http://weixin.qq.com/q/{request.query['ticket'][2:14]}", error="m").save(out, kind="png", scale=8)
    return web.Response(body=out.getvalue(), content_type="image/png")


def scene_of(state: Any, ticket: str) -> Any:
    """What a scan of the QR of `ticket` carries (for tests: scan what the panel printed)."""
    return state.qrcodes[ticket]["scene"]


# --- custom menu (自定义菜单) -------------------------------------------------------------------

BUTTON_TYPES = {"click": "key", "view": "url", "miniprogram": "url", "scancode_push": "key",
                "scancode_waitmsg": "key", "pic_sysphoto": "key", "pic_photo_or_album": "key",
                "pic_weixin": "key", "location_select": "key", "media_id": "media_id",
                "article_id": "article_id", "article_view_limited": "article_id"}


def _check_button(button: Any, *, top: bool) -> None:
    if not isinstance(button, dict):
        raise Reject(40017, "invalid button type")
    name = button.get("name")
    if not isinstance(name, str) or not name or len(name.encode()) > (16 if top else 60):
        raise Reject(40018, "invalid button name size")
    subs = button.get("sub_button")
    if top and subs:
        if not isinstance(subs, list) or len(subs) > 5:
            raise Reject(40023, "invalid sub button size")
        for sub in subs:
            _check_button(sub, top=False)
        return
    need = BUTTON_TYPES.get(str(button.get("type")))
    if need is None:
        raise Reject(40017, "invalid button type")
    value = button.get(need)
    if not isinstance(value, str) or not value:
        raise Reject({"key": 40019, "url": 40024}.get(need, 40007), f"invalid button {need}")
    if need == "key" and len(value.encode()) > 128:
        raise Reject(40019, "invalid button key size")
    if need == "url" and len(value.encode()) > 1024:
        raise Reject(40024, "invalid button url size")


async def menu_create(request: web.Request) -> web.Response:
    state = request.app[STATE]
    appid = _check_token(state, request, "mp", OFFICIAL)
    body = await _json_body(request)
    buttons = body.get("button")
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        raise Reject(40016, "invalid button size")
    for button in buttons:
        _check_button(button, top=True)
    state.menus[appid] = body
    state.records.append(SentRecord("menu", request.path, body, time.time(), appid))
    return web.json_response({"errcode": 0, "errmsg": "ok"})


async def menu_get(request: web.Request) -> web.Response:
    state = request.app[STATE]
    appid = _check_token(state, request, "mp", OFFICIAL)
    if appid not in state.menus:
        raise Reject(46003, "menu no exist")
    return web.json_response({"menu": state.menus[appid]})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/cgi-bin/media/get", media_get)
    app.router.add_get("/_fake/video/{name}", video_file)
    app.router.add_post("/cgi-bin/qrcode/create", qrcode_create)
    app.router.add_get("/cgi-bin/showqrcode", showqrcode)
    app.router.add_post("/cgi-bin/menu/create", menu_create)
    app.router.add_get("/cgi-bin/menu/get", menu_get)
