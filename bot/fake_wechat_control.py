"""The fake WeChat's control endpoints (`/_fake/*`): what tests and the demo read and steer.

Records and stats, reset, expiring every token, planned failures of the next calls, and what a
user does on their phone that WeChat's API cannot be asked to do: follow the official account,
accept a mini-program's subscribe template.
"""
from __future__ import annotations

import time
from dataclasses import asdict

from aiohttp import web

from bot.fake_wechat_state import FAIL_MODES, LONG_TERM, STATE, FailurePlan


async def _records(request: web.Request) -> web.Response:
    """Every record (of `kind`), or only those after the first `after` records: a poller reads what is new."""
    kind = request.query.get("kind") or None
    after = request.query.get("after", "")
    return web.json_response([asdict(r) for r in request.app[STATE].records_of(kind)[int(after) if after.isdigit() else 0:]])


async def _reset(request: web.Request) -> web.Response:
    request.app[STATE].reset()
    return web.json_response({"ok": True})


async def _fail(request: web.Request) -> web.Response:
    spec = await request.json()
    mode, count, paths = spec.get("mode"), spec.get("count", 1), spec.get("paths")
    if mode not in FAIL_MODES or not isinstance(count, int) or count < 1:
        raise web.HTTPBadRequest(text=f"need count >= 1 and mode in {FAIL_MODES}")
    request.app[STATE].plan = FailurePlan(
        count, mode, frozenset(paths) if paths else None,
        errcode=int(spec.get("errcode", -1)), delay=float(spec.get("delay", 10.0)),
    )
    return web.json_response({"ok": True})


async def _expire_tokens(request: web.Request) -> web.Response:
    tokens = request.app[STATE].tokens
    now = time.time()
    for token in tokens.values():
        token.expires_at = min(token.expires_at, now)
    return web.json_response({"expired": len(tokens)})


async def _follow(request: web.Request) -> web.Response:
    spec = await request.json()
    request.app[STATE].follow(str(spec["openid"]), spec.get("appid"))
    return web.json_response({"ok": True})


async def _accept_subscribe(request: web.Request) -> web.Response:
    spec = await request.json()
    request.app[STATE].accept_subscribe(str(spec["openid"]), str(spec["template_id"]),
                                        times=int(spec.get("times", LONG_TERM)), appid=spec.get("appid"))
    return web.json_response({"ok": True})


async def _stats(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE].stats())


def add_routes(app: web.Application) -> None:
    app.router.add_get("/_fake/records", _records)
    app.router.add_post("/_fake/reset", _reset)
    app.router.add_post("/_fake/fail", _fail)
    app.router.add_post("/_fake/expire_tokens", _expire_tokens)
    app.router.add_post("/_fake/follow", _follow)
    app.router.add_post("/_fake/accept_subscribe", _accept_subscribe)
    app.router.add_get("/_fake/stats", _stats)
