"""The OpenAPI document is built from the routes, and a schemathesis fuzz run against it finds no 5xx."""
from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

from bot.api import API_PREFIX, OPEN311_PREFIX
from tests.bot.api.conftest import MiniProgram

FUZZ_EXAMPLES = 25  # per operation and mode: the whole run stays well under a minute


def _served_routes(app: Any) -> set[tuple[str, str]]:
    """(METHOD, path) of every route the API sub-apps really serve."""
    out: set[tuple[str, str]] = set()
    for resource in app.router.resources():
        info = resource.get_info()
        if info.get("prefix") not in (API_PREFIX, OPEN311_PREFIX):
            continue
        for route in info["app"].router.routes():
            path = route.resource.canonical  # the sub-app's routes carry the prefix once mounted
            if route.method != "HEAD" and path != API_PREFIX + "/openapi.json":
                out.add((route.method, path))
    return out


async def test_openapi_document_passes_openapi_spec_validator(user: MiniProgram) -> None:
    """Issue 16: four string parameters had `default: null`, which the validator refuses."""
    from openapi_spec_validator import validate

    doc = (await user.get("/api/v1/openapi.json", auth=False)).body
    assert any(p.startswith("/open311/") for p in doc["paths"])  # the suite runs with Open311 on
    validate(doc)


async def test_document_lists_every_served_route_with_its_schemas(user: MiniProgram, app_server: Any) -> None:
    r = await user.get("/api/v1/openapi.json", auth=False)
    assert r.status == 200 and r.body["openapi"].startswith("3.")
    doc = r.body
    documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    assert documented == _served_routes(app_server.app)
    create = doc["paths"]["/api/v1/reports"]["post"]
    body = doc["components"]["schemas"][create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                                        .rsplit("/", 1)[1]]
    assert {"text", "category", "village", "anonymous", "phone"} <= set(body["properties"])
    assert body["additionalProperties"] is False
    assert create["security"] == [{"session": []}]
    assert "422" in create["responses"] and "unknown_place" in create["responses"]["422"]["description"]
    login = doc["paths"]["/api/v1/session"]["post"]
    assert "security" not in login and "401" in login["responses"]
    assert "ErrorOut" in doc["components"]["schemas"]


# Valid by the schema but refused as malformed: the document and the validator disagree.
MALFORMED = {"invalid_request", "bad_json", "unsupported_type", "bad_request"}


def _login(base_url: str) -> dict[str, str]:
    import requests

    r = requests.post(base_url + "/api/v1/session", json={"code": "fuzz-" + uuid.uuid4().hex}, timeout=10)
    return {"Authorization": "Bearer " + r.json()["token"]}


def _fuzz(base_url: str, examples: int, seen: dict[str, set[int]]) -> list[str]:
    """Every operation, positive and negative data; returns what went wrong (empty: nothing).

    All of schemathesis's checks run except `positive_data_acceptance`, which counts any 422
    as a refusal: a well-formed report naming a village that does not exist is rightly 422
    `unknown_place`. In its place, positive data must never be refused as malformed.
    """
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    schema = schemathesis.openapi.from_url(base_url + "/api/v1/openapi.json")
    problems: list[str] = []
    for result in schema.get_all_operations():
        op = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            headers = _login(base_url)  # a fresh session: the fuzzing of DELETE /session logs out
            @given(case=op.as_strategy(generation_mode=mode))
            @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
                      suppress_health_check=list(HealthCheck))
            def run(case: Any) -> None:
                case.headers = {**(case.headers or {}), **headers}  # our session, not a generated one
                response = case.call(base_url=base_url)
                seen.setdefault(op.label, set()).add(response.status_code)
                if response.status_code >= 500:
                    problems.append(f"{op.label} {mode.value}: {response.status_code} {response.text[:200]}")
                if mode == GenerationMode.POSITIVE and response.status_code in (400, 415, 422):
                    body = response.json() if "json" in response.headers.get("Content-Type", "") else None
                    # Open311 answers GeoReport's [{"code": 400, "description"}] (a range over 90 days, …)
                    code = (body.get("error") or {}).get("code") if isinstance(body, dict) else None
                    assert code not in MALFORMED, f"schema-valid request refused as {code}: {response.text[:200]}"
                case.validate_response(response, headers=headers, excluded_checks=[positive_data_acceptance])

            try:
                run()
            except Unsatisfiable:  # nothing in this operation can be made invalid (no parameters, no body)
                pass
            except (Exception, BaseExceptionGroup) as exc:  # a failed check: keep its first lines
                problems.append(f"{op.label} {mode.value}: " + re.sub(r"\s+", " ", str(exc))[:600])
    return problems


async def test_schemathesis_finds_no_server_error(user: MiniProgram, api_config: Any, base_url: str) -> None:
    for name in ("ip_per_minute", "session_per_minute", "login_per_minute", "receipt_per_hour",
                 "receipt_ip_per_hour", "subsidy_per_minute", "follow_per_minute"):
        setattr(api_config, name, 1_000_000)
    seen: dict[str, set[int]] = {}
    problems = await asyncio.to_thread(_fuzz, base_url, FUZZ_EXAMPLES, seen)
    assert problems == [], "\n".join(problems)
    # The run got past login and validation: generated reports were really filed.
    assert 200 in seen["POST /api/v1/reports"] and 200 in seen["GET /open311/v2/requests.{response_format}"]
    assert len(seen) == sum(len(ops) for ops in (await user.get("/api/v1/openapi.json")).body["paths"].values())
