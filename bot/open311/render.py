"""GeoReport v2 output: JSON or XML as the path's suffix asks, errors as the spec writes them.

JSON follows the spec's mapping of its XML (the "Spark convention"): a list of
`service` elements under `services` is a JSON array of objects, and so on.
Errors are `[{"code": 404, "description": "…"}]` / `<errors><error>…`, with
the HTTP status the spec gives (400 bad parameter, 404 not found); a method
the resource does not have is 405 with `Allow`.
"""
from __future__ import annotations

import json
from typing import Any, Awaitable, Callable
from xml.etree import ElementTree as ET

from aiohttp import web
from pydantic import BaseModel, RootModel

from bot.open311.models import FORMATS

# Root element and item element of each list response, by model name.
XML_LISTS = {"Services": ("services", "service"), "ServiceRequests": ("service_requests", "request"),
             "Errors": ("errors", "error")}
XML_ROOTS = {"ServiceDefinition": "service_definition", "Discovery": "discovery"}
XML_ITEMS = {"attributes": "attribute", "endpoints": "endpoint", "formats": "format"}


class Open311Error(Exception):
    def __init__(self, status: int, description: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.headers = headers or {}


def fmt_of(request: web.Request) -> str:
    fmt = request.match_info.get("response_format") or request.path.rsplit(".", 1)[-1]
    return fmt if fmt in FORMATS else "json"


def _fill(parent: ET.Element, key: str, value: Any) -> None:
    if isinstance(value, list):
        holder = ET.SubElement(parent, key)
        for item in value:
            _fill(holder, XML_ITEMS.get(key, "item"), item)
    elif isinstance(value, dict):
        node = ET.SubElement(parent, key)
        for k, v in value.items():
            _fill(node, k, v)
    else:
        ET.SubElement(parent, key).text = ("true" if value else "false") if isinstance(value, bool) else \
            ("" if value is None else str(value))


def to_xml(model: BaseModel) -> bytes:
    data = model.model_dump(mode="json")
    name = type(model).__name__
    if name in XML_LISTS:
        root_name, item = XML_LISTS[name]
        root = ET.Element(root_name)
        for entry in data:
            _fill(root, item, entry)
    else:
        root = ET.Element(XML_ROOTS[name])
        for k, v in data.items():
            _fill(root, k, v)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", short_empty_elements=False
                                                                      ).split(b"?>", 1)[-1].lstrip()


def respond(model: BaseModel, fmt: str, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    if fmt == "xml":
        return web.Response(body=to_xml(model), status=status, headers=headers,
                            content_type="text/xml", charset="utf-8")
    return web.Response(text=json.dumps(model.model_dump(mode="json"), ensure_ascii=False), status=status,
                        headers=headers, content_type="application/json", charset="utf-8")


def error_response(status: int, description: str, fmt: str, headers: dict[str, str] | None = None) -> web.Response:
    from bot.open311.models import Error, Errors

    return respond(Errors([Error(code=status, description=description)]), fmt, status, headers)


_DESCRIPTIONS = {404: "没有这个资源", 405: "不支持这种请求方式(只读接口)", 413: "请求太大"}


@web.middleware
async def error_middleware(request: web.Request,
                           handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    from bot.api.errors import ApiError, log
    from bot.open311.query import QueryError

    try:
        return await handler(request)
    except QueryError as exc:
        return error_response(400, str(exc), fmt_of(request))
    except Open311Error as err:
        return error_response(err.status, err.description, fmt_of(request), err.headers)
    except ApiError as err:  # the shared rate limit
        return error_response(err.status, err.message, fmt_of(request), err.headers)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        keep = {k: v for k, v in exc.headers.items() if k in ("Allow", "Retry-After")}
        return error_response(exc.status, _DESCRIPTIONS.get(exc.status, "请求不正确"), fmt_of(request), keep)
    except Exception as exc:  # the spec's "general service error"; the message could hold data: type only
        log.error("open311 %s %s failed: %s", request.method, request.path, type(exc).__name__)
        return error_response(400, "服务处理出错,请稍后再试", fmt_of(request))


__all__ = ["Open311Error", "RootModel", "error_middleware", "fmt_of", "respond"]
