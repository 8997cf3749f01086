"""The API's route table: each endpoint declares its schemas once, for both the server and OpenAPI.

    api = ApiRoutes()

    @api.post("/reports", body=ReportIn, response=ReportOut, errors=("unknown_place",), summary="提交反映")
    async def create(call: Call, body: ReportIn) -> ReportOut: ...

The wrapper parses and validates the body or query with the declared pydantic
model (strict: a number is not a string), applies the rate limits, loads the
session when `auth=True`, and serializes the returned model. `openapi.build`
turns the same table into the document, so the two cannot drift apart.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from aiohttp import web
from pydantic import BaseModel, ConfigDict

from bot.api.errors import fail

if TYPE_CHECKING:
    from bot.api.config import ApiConfig
    from bot.api.session import ApiSession
    from bot.services import Services


class In(BaseModel):
    """Base of request models: unknown fields and loose types are the caller's mistake."""

    model_config = ConfigDict(extra="forbid", strict=True)


class QueryIn(BaseModel):
    """Base of query-string models: every value is a string on the wire, so numbers are parsed."""

    model_config = ConfigDict(extra="forbid")


@dataclass
class Call:
    """What a handler gets besides its body: the request, services, the session when logged in."""

    request: web.Request
    services: "Services"
    config: "ApiConfig"
    session: "ApiSession | None" = None

    @property
    def me(self) -> "ApiSession":
        assert self.session is not None  # auth=True endpoints only
        return self.session

    @property
    def account(self) -> str:
        """The logged-in account's keyed hash, the same across sessions (its lookup limits, consent, votes)."""
        return self.services.cipher.subject_hash(MINIAPP, self.me.openid)

    def own_token(self, token: str) -> str:
        """A token this session was handed, as a digest for its Redis key: it works for this session only."""
        return token_hash(f"{self.me.subject}:{token}")


MINIAPP = "miniapp"  # the mini-program's channel (bot.api.session.CHANNEL)


def token_hash(token: str) -> str:
    """What a Redis key holds of a token (sessions, upload and one-use tokens): never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


Handler = Callable[..., Awaitable[BaseModel | web.StreamResponse]]


@dataclass
class Endpoint:
    method: str
    path: str  # relative to the prefix, aiohttp syntax: /reports/{number}
    handler: Handler
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    auth: bool = True
    errors: tuple[str, ...] = ()
    multipart: dict[str, str] | None = None  # form field -> description, for uploads
    headers: dict[str, str] = field(default_factory=dict)  # required header -> description
    bucket: str = ""  # an extra, tighter rate-limit bucket (login, receipts, subsidies)
    tag: str = ""
    prefix: str = "/api/v1"
    # Documented otherwise than the mini-program API's JSON (Open311: JSON and XML, its own error list):
    media: tuple[str, ...] = ("application/json",)
    error_model: type[BaseModel] | None = None  # None: ErrorOut with the stable codes
    error_statuses: tuple[int, ...] = (400, 404, 405, 429)  # with error_model
    path_params: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> schema (default: a string)


class ApiRoutes:
    def __init__(self, tag: str = "", prefix: str = "/api/v1") -> None:
        self.endpoints: list[Endpoint] = []
        self.tag = tag
        self.prefix = prefix

    def route(self, method: str, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            self.endpoints.append(Endpoint(method, path, fn, tag=kw.pop("tag", self.tag), prefix=self.prefix, **kw))
            return fn

        return deco

    def get(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **kw)

    def delete(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **kw)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_surrogates(value: Any) -> Any:
    """Lone UTF-16 surrogates (JSON allows "\\ud800") become U+FFFD: same length, valid UTF-8."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_surrogates(v) for v in value]
    return value


def clean_text(value: str) -> str:
    """What a database column can hold: PostgreSQL refuses NUL in text, UTF-8 has no surrogates.

    Control characters carry nothing a villager wrote, so they are dropped rather than
    the report refused.
    """
    return _CONTROL.sub("", _no_surrogates(value))


def _cleaned(model: BaseModel) -> BaseModel:
    """The validated model with its text fields cleaned (after validation: lengths were checked as sent)."""
    updates = {k: clean_text(v) for k, v in model.__dict__.items() if isinstance(v, str)}
    return model.model_copy(update=updates) if updates else model


async def _json_body(request: web.Request, model: type[BaseModel]) -> BaseModel:
    if request.content_type != "application/json":
        raise fail("unsupported_type", "请求内容须为 JSON(application/json)。")
    raw = await request.read()
    if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and _nesting(raw) > MAX_JSON_DEPTH:  # json.loads would recurse until RecursionError: a 500
        raise fail("bad_json", "请求内容嵌套太深。")
    try:
        data = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise fail("bad_json") from None
    if not isinstance(data, dict):
        raise fail("bad_json", "请求内容须为 JSON 对象。")
    return _cleaned(model.model_validate(_no_surrogates(data)))


MAX_JSON_DEPTH = 16  # our bodies are two levels deep


def _nesting(raw: bytes) -> int:
    """The deepest nesting of [ and { outside strings, counted without parsing."""
    depth = deepest = 0
    in_str = escaped = False
    for b in raw:
        if in_str:
            if escaped:
                escaped = False
            elif b == 0x5C:
                escaped = True
            elif b == 0x22:
                in_str = False
        elif b == 0x22:
            in_str = True
        elif b in (0x5B, 0x7B):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        elif b in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _query(request: web.Request, model: type[BaseModel]) -> BaseModel:
    known = set(model.model_fields)
    extra = [k for k in request.query if k not in known]
    if extra:
        raise fail("invalid_request", "请求内容不正确:" + "、".join(sorted(extra)[:5]))
    # Every query parameter is a string on the wire; a repeated one is a mistake.
    data: dict[str, str] = {}
    for k in request.query:
        values = request.query.getall(k)
        if len(values) > 1:
            raise fail("invalid_request", f"请求内容不正确:{k}")
        data[k] = values[0]
    return _cleaned(model.model_validate(_no_surrogates(data)))


def bind(ep: Endpoint, services: "Services", config: "ApiConfig") -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    from bot.api import limits
    from bot.api.session import load_session

    async def handle(request: web.Request) -> web.StreamResponse:
        await limits.check_ip(request, services, config, ep.bucket)
        call = Call(request, services, config)
        if ep.auth:
            call.session = await load_session(request, services, config)
            await limits.check_session(call.session, services, config, ep.bucket)
        kwargs: dict[str, Any] = {k: clean_text(v) for k, v in request.match_info.items()}  # path parameters
        if ep.body is not None:
            kwargs["body"] = await _json_body(request, ep.body)
        if ep.query is not None:
            kwargs["query"] = _query(request, ep.query)
        result = await ep.handler(call, **kwargs)
        if isinstance(result, web.StreamResponse):
            return result
        return web.json_response(result.model_dump(mode="json"), status=ep.status,
                                 dumps=lambda o: json.dumps(o, ensure_ascii=False))

    return handle
