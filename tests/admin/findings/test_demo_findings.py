"""`qingfeng demo` seeds the comparison: its findings page shows a finding of each planted rule, as the demo's
county admin sees it, and loading the demo again raises nothing twice."""
from __future__ import annotations

import re
from typing import Any, AsyncIterator

import pytest_asyncio

from bot.cli.demo import DEMO_STAFF, load_demo_data
from storage.models.compare import Finding
from tests.admin.findings.test_findings_page import ROW_RE
from tests.handlers.compare.conftest import clear_compare_tables


@pytest_asyncio.fixture
async def demo_cleanup(services: Any) -> AsyncIterator[None]:
    """SQLite's truncation deletes villages before the records that point at them."""
    yield
    await clear_compare_tables()


async def test_the_demos_findings_page_shows_a_finding_of_each_rule(services: Any, panel_factory: Any,
                                                                  demo_cleanup: None) -> None:
    done = await load_demo_data(services)
    assert any("comparison run:" in line for line in done)
    panel = await panel_factory()
    password = {u: p for u, _, _, p in DEMO_STAFF}["county_staff"]
    status, body = await panel.sign_in("county_staff", password)
    assert status == 200 and "退出" in body
    status, body = await panel.get("/admin/findings")
    assert status == 200
    by_rule = {name: int(total) for kind, name, _, _, total in ROW_RE.findall(body) if kind == "rule"}
    for rule in ("duplicate", "after_death", "favoritism", "over_standard", "disclosure_late"):
        assert by_rule.get(rule, 0) >= 1, (rule, by_rule)
    total = int(re.search(r'<span id="total">(\d+)</span>', body).group(1))  # type: ignore[union-attr]
    assert total == await Finding.all().count() >= 5

    before = await Finding.all().count()
    await load_demo_data(services)  # the demo started twice
    assert await Finding.all().count() == before
