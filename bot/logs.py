"""Logging: text or JSON lines (`QINGFENG_LOG_FORMAT=json`), each line with the request id of its HTTP request.

    configure(verbose, fmt)   the root handler (the CLI calls it once)
    request_id_middleware     takes nginx's `X-Request-Id` when it looks like one, else makes one; echoes it back

The JSON fields are ts, level, logger, msg, request_id (and exc when there is a traceback). The message
is the record's own text after the hygiene filters (bot/log_hygiene.py); nothing else of the request —
no query string, no header, no body — is added, so a line carries no more personal data than the text
format does.
"""
from __future__ import annotations

import json
import logging
import re
import secrets
import time
from contextvars import ContextVar
from typing import Awaitable, Callable

from aiohttp import web

REQUEST_ID: ContextVar[str] = ContextVar("qingfeng_request_id", default="-")
_GOOD_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
HEADER = "X-Request-Id"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):  # the access log passes the id of the request it logs
            record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
               "level": record.levelname, "logger": record.name, "msg": record.getMessage(),
               "request_id": getattr(record, "request_id", REQUEST_ID.get())}
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


def configure(*, verbose: bool = False, fmt: str = "text") -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler], force=True)


@web.middleware
async def request_id_middleware(request: web.Request,
                                handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    given = request.headers.get(HEADER, "")
    rid = given if _GOOD_ID.match(given) else secrets.token_hex(16)
    token = REQUEST_ID.set(rid)
    try:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            exc.headers[HEADER] = rid
            raise
        response.headers[HEADER] = rid
        return response
    finally:
        REQUEST_ID.reset(token)
