"""A local stand-in for WeChat's and WeCom's HTTP APIs, for demos and tests.

Official-account and mini-program endpoints at the root, WeCom's under `/wecom`. Requests
are checked as WeChat checks them and answered with its errcodes; accepted sends are
recorded. `/_fake/*` (and `app[STATE]` in-process) reads records and stats, resets,
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
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from aiohttp import web

from bot.config import Settings

log = logging.getLogger(__name__)

TEXT_LIMIT = 2048  # bytes of UTF-8, for customer-service, WeCom app and robot texts
FAIL_MODES = ("http500", "timeout", "busy", "errcode")
# Real openids are 28 characters; accept a range so hand-made test ids pass too.
_OPENID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass
class SentRecord:
    kind: str  # custom | template | subscribe | wecom_app | webhook
    path: str
    body: dict[str, Any]
    time: float


@dataclass
class _Token:
    api: str  # "mp" (official account) or "work" (WeCom)
    expires_at: float


@dataclass
class FailurePlan:
    count: int
    mode: str
    paths: frozenset[str] | None = None  # None: every send endpoint
    errcode: int = -1
    delay: float = 10.0  # "timeout": longer than any client timeout


@dataclass
class FakeState:
    apps: dict[str, str]  # appid → secret: official account and mini-program
    corps: dict[str, str]  # corpid → secret
    agentid: int
    webhook_keys: frozenset[str] | None  # None: any non-empty key is a robot
    token_ttl: int = 7200
    records: list[SentRecord] = field(default_factory=list)
    tokens: dict[str, _Token] = field(default_factory=dict)
    tokens_issued: Counter[str] = field(default_factory=Counter)
    requests: Counter[str] = field(default_factory=Counter)
    failures_injected: int = 0
    plan: FailurePlan | None = None

    def reset(self) -> None:
        for collection in (self.records, self.tokens, self.tokens_issued, self.requests):
            collection.clear()
        self.failures_injected = 0
        self.plan = None

    def records_of(self, kind: str | None = None) -> list[SentRecord]:
        return [r for r in self.records if kind is None or r.kind == kind]

    def stats(self) -> dict[str, Any]:
        return {
            "tokens_issued": dict(self.tokens_issued),
            "tokens_valid": sum(1 for t in self.tokens.values() if t.expires_at > time.time()),
            "requests": dict(self.requests),
            "records": len(self.records),
            "failures_injected": self.failures_injected,
            "failures_pending": self.plan.count if self.plan else 0,
        }


STATE = web.AppKey("fake_wechat_state", FakeState)


class Reject(Exception):
    """Answered as WeChat answers errors: HTTP 200 with an errcode."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(errmsg)
        self.errcode, self.errmsg = errcode, errmsg


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


def _check_token(state: FakeState, request: web.Request, api: str) -> None:
    value = request.query.get("access_token", "")
    if not value:
        raise Reject(41001, "access_token missing")
    token = state.tokens.get(value)
    if token is None or token.api != api:
        # WeChat says 40001 for an unknown token, WeCom 40014.
        raise Reject(40001 if api == "mp" else 40014, "invalid access_token")
    if token.expires_at <= time.time():
        raise Reject(42001, "access_token expired")


Check = Callable[[FakeState, dict[str, Any]], None]


def _check_text(_state: FakeState, body: dict[str, Any]) -> None:
    if body.get("msgtype") != "text":
        raise Reject(40008, "invalid message type")
    text = body.get("text")
    content = text.get("content") if isinstance(text, dict) else None
    if not isinstance(content, str) or not content:
        raise Reject(44004, "empty content")
    if len(content.encode()) > TEXT_LIMIT:
        raise Reject(45002, "content size out of limit")


def _check_openid(_state: FakeState, body: dict[str, Any]) -> None:
    if not isinstance(body.get("touser"), str) or not _OPENID.match(body["touser"]):
        raise Reject(40003, "invalid openid")


def _check_template(_state: FakeState, body: dict[str, Any]) -> None:
    if not isinstance(body.get("template_id"), str) or not body["template_id"]:
        raise Reject(40037, "invalid template_id")
    if not isinstance(body.get("data"), dict):
        raise Reject(47001, "data format error")


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


def _issue_token(state: FakeState, api: str) -> web.Response:
    value = f"fake-{api}-{secrets.token_urlsafe(32)}"
    state.tokens[value] = _Token(api, time.time() + state.token_ttl)
    state.tokens_issued[api] += 1
    return web.json_response({"access_token": value, "expires_in": state.token_ttl})


async def _mp_token(request: web.Request) -> web.Response:
    state, q = request.app[STATE], request.query
    if q.get("grant_type") != "client_credential":
        raise Reject(40002, "invalid grant_type")
    _check_app_credentials(state.apps, q.get("appid", ""), q.get("secret", ""), bad_secret=40125)
    return _issue_token(state, "mp")


async def _wecom_token(request: web.Request) -> web.Response:
    state, q = request.app[STATE], request.query
    # WeCom answers a wrong corpsecret with 40001.
    _check_app_credentials(state.corps, q.get("corpid", ""), q.get("corpsecret", ""), bad_secret=40001)
    return _issue_token(state, "work")


async def _jscode2session(request: web.Request) -> web.Response:
    state, q = request.app[STATE], request.query
    _check_app_credentials(state.apps, q.get("appid", ""), q.get("secret", ""), bad_secret=40125)
    code = q.get("js_code", "")
    if not code:
        raise Reject(41008, "missing code")
    if code == "invalid" or q.get("grant_type") != "authorization_code":
        raise Reject(40029, "invalid code")
    digest = hashlib.sha256(f"{q['appid']}:{code}".encode()).digest()
    return web.json_response({
        "openid": fake_openid(code),
        "session_key": hashlib.sha256(b"session:" + digest).hexdigest()[:24],
        "unionid": "u" + hashlib.sha256(b"union:" + code.encode()).hexdigest()[:27],
    })


def _send(kind: str, api: str | None, *checks: Check) -> Handler:
    """A send endpoint: auth, JSON, validation, then record."""

    async def handler(request: web.Request) -> web.Response:
        state = request.app[STATE]
        if api is not None:
            _check_token(state, request, api)
        else:
            key = request.query.get("key", "")
            if not key or (state.webhook_keys is not None and key not in state.webhook_keys):
                raise Reject(93000, "invalid webhook url")
        body = await _json_body(request)
        for check in checks:
            check(state, body)
        state.records.append(SentRecord(kind, request.path, body, time.time()))
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": len(state.records)})

    return handler


def _check_wecom_app(state: FakeState, body: dict[str, Any]) -> None:
    if not isinstance(body.get("touser"), str) or not body["touser"]:
        raise Reject(81013, "user & party & tag all invalid")
    if body.get("agentid") != state.agentid:
        raise Reject(40056, "invalid agentid")


# --- media: what a villager's photo or voice looks like to us -------------------------

FAKE_CAMERA = "FakePhone QF-1"  # the EXIF camera model in every fake photo: tests look for it after stripping
FAKE_AMR = b"#!AMR\n" + bytes([0x3C]) + bytes(31) + bytes([0x3C]) + bytes(31)  # two silent AMR-NB frames


def fake_photo() -> bytes:
    """A small real JPEG carrying EXIF with a camera model and GPS position, as phones write them."""
    import io

    from PIL import Image

    img = Image.new("RGB", (32, 24), (90, 140, 60))
    exif = Image.Exif()
    exif[0x0110] = FAKE_CAMERA  # Model
    exif[0x8825] = {1: "N", 2: (30.0, 40.0, 12.5), 3: "E", 4: (104.0, 3.0, 1.0)}  # GPSInfo
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


async def _media_get(request: web.Request) -> web.Response:
    """`/cgi-bin/media/get`: the simulator's media ids are "media…" (photo) or "voice…" (AMR)."""
    state = request.app[STATE]
    _check_token(state, request, "mp")
    media_id = request.query.get("media_id", "")
    if media_id.startswith("voice"):
        return web.Response(body=FAKE_AMR, content_type="audio/amr")
    if media_id.startswith("media"):
        return web.Response(body=fake_photo(), content_type="image/jpeg")
    raise Reject(40007, "invalid media_id")


# --- control endpoints for tests ------------------------------------------------------

async def _records(request: web.Request) -> web.Response:
    kind = request.query.get("kind") or None
    return web.json_response([asdict(r) for r in request.app[STATE].records_of(kind)])


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


async def _stats(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE].stats())


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


def create_fake_app(
    settings: Settings | None = None, *, webhook_keys: Iterable[str] | None = None, token_ttl: int = 7200
) -> web.Application:
    """The fake accepts the credentials of `settings` (defaults: the demo's)."""
    s = settings or Settings()
    app = web.Application(middlewares=[_api_middleware])
    app[STATE] = FakeState(
        apps={s.wechat_appid: s.wechat_secret, s.miniapp_appid: s.miniapp_secret},
        corps={s.wecom_corpid: s.wecom_secret}, agentid=int(s.wecom_agentid),
        webhook_keys=frozenset(webhook_keys) if webhook_keys is not None else None, token_ttl=token_ttl,
    )
    app.router.add_get("/cgi-bin/token", _mp_token)
    app.router.add_post("/cgi-bin/message/custom/send", _send("custom", "mp", _check_openid, _check_text))
    app.router.add_post("/cgi-bin/message/template/send", _send("template", "mp", _check_openid, _check_template))
    app.router.add_post("/cgi-bin/message/subscribe/send", _send("subscribe", "mp", _check_openid, _check_template))
    app.router.add_get("/sns/jscode2session", _jscode2session)
    app.router.add_get("/cgi-bin/media/get", _media_get)
    app.router.add_get("/wecom/cgi-bin/gettoken", _wecom_token)
    app.router.add_post("/wecom/cgi-bin/message/send", _send("wecom_app", "work", _check_wecom_app, _check_text))
    app.router.add_post("/wecom/cgi-bin/webhook/send", _send("webhook", None, _check_text))
    app.router.add_get("/_fake/records", _records)
    app.router.add_post("/_fake/reset", _reset)
    app.router.add_post("/_fake/fail", _fail)
    app.router.add_post("/_fake/expire_tokens", _expire_tokens)
    app.router.add_get("/_fake/stats", _stats)
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


__all__ = ["STATE", "FakeState", "FakeWeChat", "FailurePlan", "Reject", "SentRecord", "create_fake_app", "fake_openid"]
