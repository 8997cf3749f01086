"""Fixtures and helpers of the Open311 tests: the mini-program client (to file cases the real way) and
GeoReport v2's own response schemas, applied to JSON and to XML read by the spec's JSON mapping."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import jsonschema

from tests.bot.api.conftest import api_config, base_url, make_user, user, villager  # noqa: F401  (fixtures)

SCHEMAS = json.loads((Path(__file__).with_name("georeport_v2.schema.json")).read_text(encoding="utf-8"))
# The spec's XML: a list element holds items of one name; these scalars are typed in JSON.
LISTS = {"services", "service_requests", "errors", "attributes", "endpoints", "formats", "values"}
BOOLEANS = {"metadata", "variable", "required"}
INTEGERS = {"code", "order"}


def _value(el: ET.Element) -> Any:
    if el.tag in LISTS:
        return [_value(child) for child in el]
    if len(el):
        return {child.tag: _value(child) for child in el}
    text = el.text or ""
    if el.tag in BOOLEANS:
        assert text in ("true", "false"), (el.tag, text)
        return text == "true"
    if el.tag in INTEGERS and text.isdigit():
        return int(text)
    return text


def from_xml(body: bytes) -> tuple[str, Any]:
    """(root element, its JSON equivalent), after checking the declaration the spec requires."""
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), body[:60]
    root = ET.fromstring(body)
    return root.tag, _value(root)


def validate(kind: str, document: Any) -> None:
    """`kind`: services | service_definition | service_requests | errors | discovery."""
    schema = {**SCHEMAS[kind], "$defs": SCHEMAS["$defs"]}
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(document)


async def get(http: Any, url: str, **kw: Any) -> tuple[int, Any, dict[str, str]]:
    """A GeoReport call: the body validated as JSON or XML by the path's suffix."""
    async with http.get(url, **kw) as r:
        raw = await r.read()
        ctype = r.headers.get("Content-Type", "")
        if url.split("?", 1)[0].endswith(".xml"):
            assert ctype.startswith("text/xml") and "charset=utf-8" in ctype, ctype
            _, body = from_xml(raw)
        else:
            assert ctype.startswith("application/json") and "charset=utf-8" in ctype, ctype
            body = json.loads(raw)
        return r.status, body, dict(r.headers)
