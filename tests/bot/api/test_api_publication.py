"""The mini-program's publication reads and the 点题 vote over real HTTP, as listed in the OpenAPI document."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from defusedxml import ElementTree

from handlers.publication.power_import import import_powers, read_rows

DEMO_POWERS = Path(__file__).resolve().parents[3] / "storage" / "data" / "powers_demo.yaml"
PUBLICATION_PATHS = ("/api/v1/powers", "/api/v1/powers/{id}", "/api/v1/disclosures", "/api/v1/announcements",
                     "/api/v1/outcomes", "/api/v1/topics", "/api/v1/topics/{id}/vote")


@pytest_asyncio.fixture
async def powers(registry_loaded: Any) -> Any:
    await import_powers(read_rows(DEMO_POWERS), registry_loaded, actor="test")
    return registry_loaded


async def test_publication_reads_are_in_the_openapi_document(make_user: Any) -> None:
    doc = (await make_user().get("/api/v1/openapi.json", auth=False)).body
    for path in PUBLICATION_PATHS:
        assert path in doc["paths"], path
    vote = doc["paths"]["/api/v1/topics/{id}/vote"]["post"]
    assert "409" in vote["responses"] and vote["security"] == [{"session": []}]
    assert "PowerOut" in doc["components"]["schemas"]


async def test_power_list_detail_and_flowchart(make_user: Any, powers: Any) -> None:
    u = make_user()
    listed = (await u.get("/api/v1/powers", auth=False)).body["powers"]
    assert len(listed) == 24 and {"id", "title", "section", "time_limit", "categories"} <= set(listed[0])
    found = (await u.get("/api/v1/powers?q=低保", auth=False)).body["powers"]
    assert [p["title"] for p in found] == ["低保申请"]
    detail = (await u.get(f"/api/v1/powers/{found[0]['id']}", auth=False)).body
    assert detail["steps"][0].startswith("户主") and "subsidy_fraud" in detail["categories"]
    assert detail["report_hint"].endswith("回复【举报】")
    r = await u.get(detail["flowchart"], auth=False)
    assert r.status == 200 and r.headers["Content-Type"].startswith("image/svg+xml")
    svg = ElementTree.fromstring(r.body.encode())
    boxes = svg.findall(".//{http://www.w3.org/2000/svg}rect[@class='step']")
    assert len(boxes) == len(detail["steps"])
    assert (await u.get("/api/v1/powers/NOPE", auth=False)).code == "not_found"
