"""The OpenAPI 3.1 document, built from the route table and the pydantic models it declares.

Nothing here is written by hand per endpoint: paths, parameters, bodies,
responses and error codes all come from `Endpoint`, so the document changes
when the code does. Served at GET /api/v1/openapi.json.
"""
from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from bot.api.errors import CODES, ErrorOut
from bot.api.routing import Endpoint

REF = "#/components/schemas/{model}"
_PATH_PARAM = re.compile(r"\{(\w+)(?::[^{}]*(?:\{[^{}]*\}[^{}]*)*)?\}")
_PATTERN = re.compile(r"\{(\w+):[^{}]*\}")  # aiohttp's {name:regex} is {name} in OpenAPI
# Every endpoint can answer these: a malformed request, too many requests, a failure of ours.
COMMON_ERRORS = ("invalid_request", "rate_limited")


def _models(endpoints: list[Endpoint]) -> list[tuple[type[BaseModel], Any]]:
    """Request bodies in validation mode, responses in serialization mode."""
    seen: dict[tuple[type[BaseModel], str], None] = {(ErrorOut, "serialization"): None}
    for ep in endpoints:
        if ep.error_model is not None:
            seen[(ep.error_model, "serialization")] = None
        if ep.body is not None:
            seen[(ep.body, "validation")] = None
        if ep.response is not None:
            seen[(ep.response, "serialization")] = None
    return list(seen)  # type: ignore[arg-type]


def _own_errors(ep: Endpoint) -> dict[str, Any]:
    """An endpoint with its own error format (Open311): the statuses it can answer, in every media type."""
    assert ep.error_model is not None
    ref = {"$ref": REF.format(model=ep.error_model.__name__)}
    out: dict[str, Any] = {str(s): {"description": HTTPStatus(s).phrase, "content": {m: {"schema": ref} for m in ep.media}}
                           for s in ep.error_statuses}
    if "405" in out:
        out["405"]["headers"] = {"Allow": {"schema": {"type": "string"}}}
    return out


def _error_responses(ep: Endpoint) -> dict[str, Any]:
    if ep.error_model is not None:
        return _own_errors(ep)
    codes = list(COMMON_ERRORS) + list(ep.errors)
    if ep.body is not None:
        codes += ["bad_json", "unsupported_type"]
    if ep.auth:
        codes += ["unauthorized", "session_expired"]
    if ep.multipart is not None:
        codes += ["too_large", "unsupported_type"]
    by_status: dict[int, list[str]] = {}
    for code in dict.fromkeys(codes):
        by_status.setdefault(CODES[code][0], []).append(code)
    error_ref = {"$ref": REF.format(model="ErrorOut")}
    out: dict[str, Any] = {}
    for status, names in sorted(by_status.items()):
        out[str(status)] = {
            "description": "错误代码:" + ", ".join(names),
            "content": {"application/json": {"schema": error_ref}},
        }
    if ep.auth or ep.bucket:
        out.setdefault("429", {}).setdefault("headers", {})["Retry-After"] = {"schema": {"type": "string"}}
    return out


def _query_params(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    params = []
    for name, prop in schema.get("properties", {}).items():
        prop = dict(prop)
        prop.pop("title", None)
        if "anyOf" in prop:  # Optional[str]: on the wire it is a string or absent
            prop = {**next(p for p in prop.pop("anyOf") if p.get("type") != "null"), **prop}
        if prop.get("default", 0) is None:  # absent is not "null": a string parameter cannot default to it
            prop.pop("default")
        params.append({"name": name, "in": "query", "required": name in required,
                       "description": prop.pop("description", ""), "schema": prop})
    return params


def _operation(ep: Endpoint) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": ep.summary, "operationId": ep.handler.__name__ + "_" + ep.tag,
                          "tags": [ep.tag] if ep.tag else []}
    params = [{"name": n, "in": "path", "required": True,
               "schema": ep.path_params.get(n, {"type": "string", "maxLength": 40})}
              for n in _PATH_PARAM.findall(ep.path)]
    if ep.query is not None:
        params += _query_params(ep.query)
    params += [{"name": h, "in": "header", "required": True, "description": d, "schema": {"type": "string"}}
               for h, d in ep.headers.items()]
    if params:
        op["parameters"] = params
    if ep.body is not None:
        op["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": {"$ref": REF.format(model=ep.body.__name__)}}}}
    if ep.multipart is not None:
        props = {f: {"type": "string", "format": "binary", "description": d} for f, d in ep.multipart.items()}
        op["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "properties": props, "required": list(props), "additionalProperties": False}}}}
    ok: dict[str, Any] = {"description": "成功"}
    if ep.response is not None:
        ok["content"] = {m: {"schema": {"$ref": REF.format(model=ep.response.__name__)}} for m in ep.media}
    op["responses"] = {str(ep.status): ok, **_error_responses(ep)}
    if ep.auth:
        op["security"] = [{"session": []}]
    return op


def build(endpoints: list[Endpoint], *, title: str = "清风 小程序接口", version: str = "1") -> dict[str, Any]:
    _, defs = models_json_schema(_models(endpoints), ref_template=REF)
    paths: dict[str, dict[str, Any]] = {}
    for ep in endpoints:
        paths.setdefault(ep.prefix + _PATTERN.sub(r"{\1}", ep.path), {})[ep.method.lower()] = _operation(ep)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version,
                 "description": "错误统一为 {\"error\": {\"code\", \"message\"}};code 稳定,message 为中文说明。"},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {"session": {"type": "http", "scheme": "bearer",
                                            "description": "POST /api/v1/session 返回的 token"}},
        },
    }
