"""GeoReport v2 compliance of the reads (issue 16, Open311): every response validated against the spec's own
schemas in JSON and in XML, the spec's query rules and errors, and a real GeoReport client's calls."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from storage.models import Case
from tests.bot.api.conftest import DONGLING_SHIQIAO, HUJIAZHUANG, MiniProgram
from tests.bot.open311.conftest import get, validate

COUNTY = "610798"  # the example registry's county: the jurisdiction_id


async def _cases(user: MiniProgram) -> list[str]:
    numbers = []
    for text, village, category in (("胡家庄村会计把低保款扣下不发", HUJIAZHUANG, None),
                                    ("石桥村主任把低保名额给了亲戚", DONGLING_SHIQIAO, "favoritism"),
                                    ("胡家庄村书记收了工程老板的红包", HUJIAZHUANG, "bribery_extortion")):
        r = await user.report(text, village=village, category=category, ignore_similar=True)
        numbers.append(r.body["case_number"])
    return numbers


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_every_georeport_read_validates_against_the_spec_schemas(user: MiniProgram, http: Any, base_url: str,
                                                                       fmt: str) -> None:
    numbers = await _cases(user)
    v2 = f"{base_url}/open311/v2"
    calls = [("discovery", f"/discovery.{fmt}"), ("services", f"/services.{fmt}"),
             ("service_definition", f"/services/subsidy_fraud.{fmt}"), ("service_requests", f"/requests.{fmt}"),
             ("service_requests", f"/requests/{numbers[0]}.{fmt}"),
             ("service_requests", f"/requests.{fmt}?service_request_id={numbers[0]},{numbers[2]}")]
    for kind, path in calls:
        for query in ("", f"jurisdiction_id={COUNTY}"):  # jurisdiction_id is accepted everywhere
            url = v2 + path + (("&" if "?" in path else "?") + query if query else "")
            status, body, _ = await get(http, url)
            assert status == 200, (url, body)
            validate(kind, body)
    for path in (f"/requests/QF2099999999.{fmt}", f"/services/nothing.{fmt}", f"/services/other.{fmt}",
                 f"/requests.{fmt}?jurisdiction_id=nowhere.example", f"/nothing.{fmt}"):
        status, body, _ = await get(http, v2 + path)
        assert status == 404 and body[0]["code"] == 404, path
        validate("errors", body)
    for bad in ("status=pending", "start_date=yesterday", "end_date=2026-13-40",
                "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "page=0"):
        status, body, _ = await get(http, f"{v2}/requests.{fmt}?{bad}")
        assert status == 400 and body[0]["code"] == 400 and body[0]["description"], bad
        validate("errors", body)


async def test_georeport_query_rules(user: MiniProgram, http: Any, base_url: str) -> None:
    a, b, c = await _cases(user)
    url = f"{base_url}/open311/v2/requests.json"

    async def ids(query: str = "") -> list[str]:
        status, body, _ = await get(http, url + ("?" + query if query else ""))
        assert status == 200, (query, body)
        return [x["service_request_id"] for x in body]

    everything = await ids()
    assert everything == [c, b, a]  # newest first
    # empty parameters are absent; unknown ones (api_key, extensions) are ignored
    assert await ids("service_code=&status=&start_date=&end_date=&jurisdiction_id=&api_key=xyz&lat=1") == everything
    # comma-separated lists
    assert await ids("service_code=favoritism,bribery_extortion") == [c, b]
    assert await ids("status=open,closed") == everything and await ids("status=closed") == []
    # service_request_id overrides every other argument
    assert set(await ids(f"service_request_id={a},{b}&status=closed&service_code=nothing")) == {a, b}
    # the default window is the most recent 90 days
    await Case.filter(number=a).update(created_at=datetime.now(timezone.utc) - timedelta(days=100))
    assert a not in await ids()
    start = (datetime.now(timezone.utc) - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert a in await ids(f"start_date={start}")  # 90 days from the start date
    assert await ids("page_size=1&page=2") == [b]


async def test_what_the_document_calls_invalid_is_refused_as_sent(user: MiniProgram, http: Any, base_url: str) -> None:
    """Found by schemathesis: control characters were stripped before the length was checked, and a page of
    "0001" or a date the pattern refuses was read anyway; the server and its OpenAPI document now agree."""
    url = f"{base_url}/open311/v2/requests.json"
    for query in ("service_request_id=" + "%15" * 301, "page=0001", "page=%205", "page=5%0A", "page_size=1001",
                  "start_date=2026-01-01T00:00:00%2B0800", "end_date=yesterday"):
        status, body, _ = await get(http, f"{url}?{query}")
        assert status == 400 and body[0]["code"] == 400, (query, body)
    status, _, _ = await get(http, f"{url}?page=1&page_size=1000&start_date=2026-01-01&end_date=")
    assert status == 200


async def test_trace_and_put_get_405_with_allow(http: Any, base_url: str, user: MiniProgram) -> None:
    for path in ("/open311/v2/requests.json", "/open311/v2/services.xml", "/api/v1/categories"):
        for method in ("TRACE", "PUT", "DELETE"):
            async with http.request(method, base_url + path) as r:
                assert r.status == 405, (method, path)
                assert "GET" in r.headers.get("Allow", ""), (method, path, dict(r.headers))


async def test_a_georeport_client_reads_every_call(user: MiniProgram, base_url: str, services: Any) -> None:
    """georeport (PyPI), a client written for cities' GeoReport v2 endpoints, in both of its formats."""
    from handlers.cases.transitions import transition
    from storage.models import Status

    georeport = pytest.importorskip("georeport")
    numbers = await _cases(user)
    closed_case = await Case.get(number=numbers[2])
    await transition(closed_case.id, Status.REJECTED, actor="staff:1", reason="不属实", services=services)

    def run(fmt: str) -> list[Any]:
        client = georeport.GeoReport(f"{base_url}/open311/v2", jurisdiction=COUNTY, output_format=fmt)
        now = datetime.now(timezone.utc)
        return [
            client.get_service_list(),
            client.get_service_definition("favoritism"),
            client.get_service_requests(),
            client.get_service_requests(service_request_id=",".join(numbers[:2])),
            client.get_service_requests(service_code="subsidy_fraud,favoritism", status="open"),
            client.get_service_requests(start_date=(now - timedelta(days=7)).isoformat(), end_date=now.isoformat()),
            client.get_service_requests(status="closed"),
            client.get_service_request(numbers[1]),
        ]

    for fmt in ("json", "xml"):
        services, definition, every, two, coded, week, closed, one = await asyncio.to_thread(run, fmt)
        services = services if isinstance(services, list) else [services]
        assert {s["service_code"] for s in services} >= {"subsidy_fraud", "favoritism"}, fmt
        assert definition["service_code"] == "favoritism"

        def listed(x: Any) -> list[dict[str, Any]]:  # xmltodict gives one element as a dict, none as None
            if fmt == "xml":
                x = (x or {}).get("request", []) if isinstance(x, dict) and "request" in x else x
            return [] if x is None else x if isinstance(x, list) else [x]

        assert len(listed(every)) == 3 and len(listed(two)) == 2 and len(listed(week)) == 3, fmt
        assert {r["service_code"] for r in listed(coded)} == {"subsidy_fraud", "favoritism"}
        assert [r["service_request_id"] for r in listed(closed)] == [numbers[2]]
        assert listed(one)[0]["service_request_id"] == numbers[1]
