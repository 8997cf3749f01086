"""A local stand-in for WeChat's and WeCom's HTTP APIs, for demos and tests.

Official-account and mini-program endpoints at the root, WeCom's under `/wecom`. Requests
are checked as WeChat checks them and answered with its errcodes; accepted sends are
recorded. As strict as WeChat where a wrong pairing would pass unnoticed: a token works for
the app (or corp) that got it alone, and only on that kind of app's APIs (a subscribe message
with the official account's token: 48001); an openid belongs to one app (40003); a template
id to the app that picked it (40037), its data to the template's typed keys and their rules
(47003); a subscribe message needs the user's acceptance (43101); a WeCom template card
follows WeCom's rules (bot/wecom_card.py). `/_fake/*` (and `app[STATE]` in-process) reads records and stats, resets,
expires tokens and makes the next calls fail (HTTP 500, a hang, "system busy", an errcode).
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiohttp import web

from bot.config import Settings
from bot.fake_media import FAKE_AMR, FAKE_CAMERA, fake_photo, fake_video  # noqa: F401  (re-exported)
from bot.fake_wechat_state import (  # noqa: F401  (re-exported)
    FAIL_MODES, LONG_TERM, STATE, FailurePlan, FakeState, Reject, SentRecord, _Token,
)
from bot.wechat_templates import PURPOSES, value_problem
from bot.wecom_card import card_problem

log = logging.getLogger(__name__)

TEXT_LIMIT = 2048  # bytes of UTF-8, for customer-service, WeCom app and robot texts
# Real openids are 28 characters; accept a range so hand-made test ids pass too.
_OPENID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def fake_openid(code: str) -> str:
    """The openid the fake gives a `wx.login` code: stable, 28 characters like WeChat's."""
    return "o" + hashlib.sha256(code.encode()).hexdigest()[:27]


# --- checks shared by the endpoints ---------------------------------------------------

async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read())
    except ValueError:
        raise Reject(47001, "data format error") from None
    if not isinstance(body, dict):
        raise Reject(47001, "data format error")
    return body


def _check_token(state: FakeState, request: web.Request, api: str, kinds: frozenset[str] | None = None) -> str:
    """The appid (or corpid) the token was issued to; refused as WeChat refuses it."""
    value = request.query.get("access_token", "")
    if not value:
        raise Reject(41001, "access_token missing")
    token = state.tokens.get(value)
    if token is None or token.api != api:
        # WeChat says 40001 for an unknown token, WeCom 40014.
        raise Reject(40001 if api == "mp" else 40014, "invalid credential, access_token is invalid or not latest")
    if token.expires_at <= time.time():
        raise Reject(42001, "access_token expired")
    if kinds is not None and state.kinds.get(token.appid) not in kinds:
        # e.g. a mini-program's subscribe/send called with the official account's token
        raise Reject(48001, "api unauthorized")
    return token.appid


class Call:
    """One authorised API call: the app that makes it and its JSON body."""

    def __init__(self, state: FakeState, appid: str, body: dict[str, Any]) -> None:
        self.state, self.appid, self.body = state, appid, body


Check = Callable[[Call], None]


def _check_text(call: Call) -> None:
    body = call.body
    if body.get("msgtype") != "text":
        raise Reject(40008, "invalid message type")
    text = body.get("text")
    content = text.get("content") if isinstance(text, dict) else None
    if not isinstance(content, str) or not content:
        raise Reject(44004, "empty content")
    if len(content.encode()) > TEXT_LIMIT:
        raise Reject(45002, "content size out of limit")


def _check_openid(call: Call) -> None:
    """An openid belongs to one app: another app's openid is invalid (40003), as on WeChat.

    One leniency: an openid the fake has never seen is taken as a user of the first app
    that writes to it (tests make up openids of followers the fake did not see follow).
    """
    touser = call.body.get("touser")
    if not isinstance(touser, str) or not _OPENID.match(touser):
        raise Reject(40003, "invalid openid")
    if call.state.owners.setdefault(touser, call.appid) != call.appid:
        raise Reject(40003, "invalid openid")


def _template_keys(call: Call) -> tuple[str, ...]:
    template_id = call.body.get("template_id")
    if not isinstance(template_id, str) or not template_id:
        raise Reject(40037, "invalid template_id")
    keys = call.state.templates.get(call.appid, {}).get(template_id)
    if keys is None:  # another app's template, or none at all
        raise Reject(40037, "invalid template_id")
    return keys


def _check_data(call: Call, keys: tuple[str, ...], *, every_key: bool) -> None:
    data = call.body.get("data")
    if not isinstance(data, dict):
        raise Reject(47001, "data format error")
    for key, item in data.items():
        if key not in keys:
            raise Reject(47003, f"argument invalid! data.{key} is not a key of the template")
        value = item.get("value") if isinstance(item, dict) else None
        problem = value_problem(key, value)
        if problem:
            raise Reject(47003, f"argument invalid! data.{key}.value {problem}")
    missing = [k for k in keys if k not in data]
    if every_key and missing:
        raise Reject(47003, f"argument invalid! data.{missing[0]}.value is empty")


def _check_template(call: Call) -> None:
    _check_data(call, _template_keys(call), every_key=False)


def _check_subscribe(call: Call) -> None:
    keys = _template_keys(call)
    _check_data(call, keys, every_key=True)
    page = call.body.get("page")
    if page is not None and (not isinstance(page, str) or page.startswith("/") or "://" in page):
        raise Reject(41030, "invalid page")
    key = (call.appid, str(call.body["touser"]), str(call.body["template_id"]))
    left = call.state.accepted.get(key, 0)
    if left == 0:
        raise Reject(43101, "user refuse to accept the msg")
    if left != LONG_TERM:
        call.state.accepted[key] = left - 1


def _check_app_credentials(known: dict[str, str], appid: str, secret: str, bad_secret: int) -> None:
    if appid not in known:
        raise Reject(40013, "invalid appid")
    if not secrets.compare_digest(known[appid].encode(), secret.encode()):
        raise Reject(bad_secret, "invalid appsecret")


async def _inject_failure(state: FakeState, request: web.Request) -> None:
    plan, is_send = state.plan, request.method == "POST"  # token and login calls are GETs
    if plan is None or not (request.path in plan.paths if plan.paths is not None else is_send):
        return
    plan.count -= 1
    if plan.count <= 0:
        state.plan = None
    state.failures_injected += 1
    if plan.mode == "timeout":
        await asyncio.sleep(plan.delay)
        raise web.HTTPGatewayTimeout()
    if plan.mode == "http500":
        raise web.HTTPInternalServerError(text="injected failure")
    raise Reject(-1, "system error") if plan.mode == "busy" else Reject(plan.errcode, "injected failure")


# --- endpoints ----------------------------------------------------------------------

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
OFFICIAL, MINIAPP = frozenset({"mp"}), frozenset({"miniapp"})


def _issue_token(state: FakeState, api: str, appid: str) -> web.Response:
    value = f"fake-{api}-{secrets.token_urlsafe(32)}"
    state.tokens[value] = _Token(api, time.time() + state.token_ttl, appid)
    state.tokens_issued[api] += 1
    return web.json_response({"access_token": value, "expires_in": state.token_ttl})


async def _mp_token(request: web.Request) -> web.Response:
    state, q = request.app[STATE], request.query
    if q.get("grant_type") != "client_credential":
        raise Reject(40002, "invalid grant_type")
    _check_app_credentials(state.apps, q.get("appid", ""), q.get("secret", ""), bad_secret=40125)
    return _issue_token(state, "mp", q["appid"])


async def _wecom_token(request: web.Request) -> web.Response:
    state, q = request.app[STATE], request.query
    # WeCom answers a wrong corpsecret with 40001.
    _check_app_credentials(state.corps, q.get("corpid", ""), q.get("corpsecret", ""), bad_secret=40001)
    return _issue_token(state, "work", q["corpid"])


async def _jscode2session(request: web.Request) -> web.Response:
    state, q = request.app[STATE], request.query
    _check_app_credentials(state.apps, q.get("appid", ""), q.get("secret", ""), bad_secret=40125)
    if state.kinds.get(q["appid"]) != "miniapp":
        raise Reject(40013, "invalid appid")  # an official account has no wx.login
    code = q.get("js_code", "")
    if not code:
        raise Reject(41008, "missing code")
    if code == "invalid" or q.get("grant_type") != "authorization_code":
        raise Reject(40029, "invalid code")
    digest = hashlib.sha256(f"{q['appid']}:{code}".encode()).digest()
    openid = fake_openid(code)
    state.owners[openid] = q["appid"]  # this user of the mini-program
    return web.json_response({
        "openid": openid,
        "session_key": hashlib.sha256(b"session:" + digest).hexdigest()[:24],
        "unionid": "u" + hashlib.sha256(b"union:" + code.encode()).hexdigest()[:27],
    })


def _send(kind: str, api: str | None, *checks: Check, kinds: frozenset[str] | None = None) -> Handler:
    """A send endpoint: auth (a token of an app of `kinds`), JSON, validation, then record."""

    async def handler(request: web.Request) -> web.Response:
        state = request.app[STATE]
        if api is not None:
            appid = _check_token(state, request, api, kinds)
        else:
            appid = key = request.query.get("key", "")
            if not key or (state.webhook_keys is not None and key not in state.webhook_keys):
                raise Reject(93000, "invalid webhook url")
        call = Call(state, appid, await _json_body(request))
        for check in checks:
            check(call)
        state.records.append(SentRecord(kind, request.path, call.body, time.time(), appid if api else ""))
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": len(state.records)})

    return handler


def _check_wecom_app(call: Call) -> None:
    if not isinstance(call.body.get("touser"), str) or not call.body["touser"]:
        raise Reject(81013, "user & party & tag all invalid")
    if call.body.get("agentid") != call.state.agentid:
        raise Reject(40056, "invalid agentid")


def _check_wecom_message(call: Call) -> None:
    """A WeCom app message: a text, or a template card (text_notice) as WeCom checks it (bot/wecom_card.py)."""
    if call.body.get("msgtype") != "template_card":
        _check_text(call)
        return
    problem = card_problem(call.body.get("template_card"))
    if problem:
        raise Reject(*problem)


@web.middleware
async def _api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Counts calls, injects planned failures, turns `Reject` into WeChat's error JSON."""
    state = request.app[STATE]
    try:
        if not request.path.startswith("/_fake/"):
            state.requests[request.path] += 1
            await _inject_failure(state, request)
        return await handler(request)
    except Reject as err:
        # The path only: the query string holds tokens, secrets and codes.
        log.info("fake %s %s -> errcode %d", request.method, request.path, err.errcode)
        return web.json_response({"errcode": err.errcode, "errmsg": err.errmsg})


def _template_library(s: Settings) -> dict[str, dict[str, tuple[str, ...]]]:
    """The templates each app has picked (in its 公众平台): those the settings name, with their keys."""
    library: dict[str, dict[str, tuple[str, ...]]] = {s.wechat_appid: {}, s.miniapp_appid: {}}
    for name, spec in s.tpl.specs().items():
        appid = s.miniapp_appid if PURPOSES[name].channel == "miniapp" else s.wechat_appid
        library[appid][spec.template_id] = tuple(spec.fields)
    return library


def create_fake_app(
    settings: Settings | None = None, *, webhook_keys: Iterable[str] | None = None, token_ttl: int = 7200
) -> web.Application:
    """The fake accepts the credentials of `settings` (defaults: the demo's) and knows their templates."""
    from bot import fake_wechat_account, fake_wechat_control

    s = settings or Settings()
    app = web.Application(middlewares=[_api_middleware])
    app[STATE] = FakeState(
        apps={s.wechat_appid: s.wechat_secret, s.miniapp_appid: s.miniapp_secret},
        corps={s.wecom_corpid: s.wecom_secret}, agentid=int(s.wecom_agentid),
        webhook_keys=frozenset(webhook_keys) if webhook_keys is not None else None, token_ttl=token_ttl,
        kinds={s.wechat_appid: "mp", s.miniapp_appid: "miniapp"}, templates=_template_library(s),
    )
    app.router.add_get("/cgi-bin/token", _mp_token)
    app.router.add_post("/cgi-bin/message/custom/send",
                        _send("custom", "mp", _check_openid, _check_text, kinds=OFFICIAL))
    app.router.add_post("/cgi-bin/message/template/send",
                        _send("template", "mp", _check_openid, _check_template, kinds=OFFICIAL))
    app.router.add_post("/cgi-bin/message/subscribe/send",
                        _send("subscribe", "mp", _check_openid, _check_subscribe, kinds=MINIAPP))
    app.router.add_get("/sns/jscode2session", _jscode2session)
    fake_wechat_account.add_routes(app)
    app.router.add_get("/wecom/cgi-bin/gettoken", _wecom_token)
    app.router.add_post("/wecom/cgi-bin/message/send", _send("wecom_app", "work", _check_wecom_app,
                                                                 _check_wecom_message))
    app.router.add_post("/wecom/cgi-bin/webhook/send", _send("webhook", None, _check_text))
    fake_wechat_control.add_routes(app)
    return app


class FakeWeChat:
    """Runs the fake on 127.0.0.1 inside the current event loop (tests, demo)."""

    def __init__(self, settings: Settings | None = None, **kw: Any) -> None:
        self.app = create_fake_app(settings, **kw)
        self.state = self.app[STATE]
        self.base_url = ""
        self._runner: web.AppRunner | None = None

    @property
    def wecom_base(self) -> str:
        return self.base_url + "/wecom"

    @property
    def records(self) -> list[SentRecord]:
        return self.state.records

    async def start(self, port: int = 0, host: str = "127.0.0.1") -> str:
        # No access log: it would print query strings. Cancel handlers whose client
        # left, so an injected hang does not outlive the test.
        self._runner = web.AppRunner(self.app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self.base_url = f"http://{bound_host}:{bound_port}"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


__all__ = ["FAKE_AMR", "FAKE_CAMERA", "LONG_TERM", "STATE", "FakeState", "FakeWeChat", "FailurePlan", "Reject", "SentRecord", "create_fake_app", "fake_openid", "fake_photo", "fake_video"]
