"""The OpenAPI 3.1 document, built from the route table and the pydantic models it declares.

Nothing here is written by hand per endpoint: paths, parameters, bodies,
responses and error codes all come from `Endpoint`, so the document changes
when the code does. Served at GET /api/v1/openapi.json.
"""
from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from bot.api.errors import CODES, ErrorOut
from bot.api.routing import Endpoint

REF = "#/components/schemas/{model}"
_PATH_PARAM = re.compile(r"\{(\w+)\}")
# Every endpoint can answer these: a malformed request, too many requests, a failure of ours.
COMMON_ERRORS = ("invalid_request", "rate_limited")


def _models(endpoints: list[Endpoint]) -> list[tuple[type[BaseModel], Any]]:
    """Request bodies in validation mode, responses in serialization mode."""
    seen: dict[tuple[type[BaseModel], str], None] = {(ErrorOut, "serialization"): None}
    for ep in endpoints:
        if ep.body is not None:
            seen[(ep.body, "validation")] = None
        if ep.response is not None:
            seen[(ep.response, "serialization")] = None
    return list(seen)  # type: ignore[arg-type]


def _error_responses(ep: Endpoint) -> dict[str, Any]:
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
        params.append({"name": name, "in": "query", "required": name in required,
                       "description": prop.pop("description", ""), "schema": prop})
    return params


def _operation(ep: Endpoint) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": ep.summary, "operationId": ep.handler.__name__ + "_" + ep.tag,
                          "tags": [ep.tag] if ep.tag else []}
    params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string", "maxLength": 40}}
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
        ok["content"] = {"application/json": {"schema": {"$ref": REF.format(model=ep.response.__name__)}}}
    op["responses"] = {str(ep.status): ok, **_error_responses(ep)}
    if ep.auth:
        op["security"] = [{"session": []}]
    return op


def build(endpoints: list[Endpoint], *, title: str = "清风 小程序接口", version: str = "1") -> dict[str, Any]:
    _, defs = models_json_schema(_models(endpoints), ref_template=REF)
    paths: dict[str, dict[str, Any]] = {}
    for ep in endpoints:
        paths.setdefault(ep.prefix + ep.path, {})[ep.method.lower()] = _operation(ep)
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
