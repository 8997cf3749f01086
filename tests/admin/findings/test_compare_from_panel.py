"""立即比对: county staff run the comparison from the findings page as a background job, follow its progress and
read its result; township staff cannot start it."""
from __future__ import annotations

import json
import re
from typing import Any

from handlers.compare import RULES, job
from storage import keys
from storage.models import AuditEntry
from storage.models.compare import Finding
from tests.admin.conftest import signed_in
from tests.handlers.compare.conftest import Data
from tests.handlers.compare.test_compare_rules import plant


async def test_county_staff_run_the_comparison_from_the_findings_page(data: Data, accounts: Any,
                                                                      panel_factory: Any) -> None:
    want = await plant(data)  # imported, never compared: the page is empty
    county = await signed_in(panel_factory, data.services, "county_staff")
    status, body = await county.get("/admin/findings")
    assert status == 200 and 'id="run-compare"' in body and '<span id="total">0</span>' in body

    status, body = await county.post("/admin/findings/run")
    assert status == 200 and 'id="compare-job"' in body
    await job.wait()
    async with county.http.get(county.base + "/admin/findings/run.json") as r:
        state = await r.json()
    assert state["state"] == "done" and state["step"] == state["steps"] == len(RULES) + 1
    assert state["clues"] == await Finding.filter(case_id__not_isnull=True).count() > 0

    status, body = await county.get("/admin/findings")
    assert "比对完成" in body and f'<span id="compare-clues">{state["clues"]}</span>' in body
    total = int(re.search(r'<span id="total">(\d+)</span>', body).group(1))  # type: ignore[union-attr]
    assert total == sum(len(v) for v in want.values()) == await Finding.all().count()
    assert "惠民" in body or "重复" in body  # rule titles in the result table, not ids
    assert "duplicate" not in re.search(r'<table id="compare-result">.*?</table>', body, re.S).group(0)  # type: ignore[union-attr]
    assert await AuditEntry.filter(action="compare.start").count() == 1
    assert await AuditEntry.filter(action="compare.run").count() == 1


async def test_township_staff_cannot_start_the_comparison(data: Data, accounts: Any, panel_factory: Any) -> None:
    nanba = await signed_in(panel_factory, data.services, "nanba_staff")
    status, body = await nanba.get("/admin/findings")
    assert status == 200 and 'id="run-compare"' not in body
    assert (await nanba.post("/admin/findings/run"))[0] == 403
    assert (await nanba.get("/admin/findings/run.json"))[0] == 403
    assert await job.status(data.services.redis) is None


async def test_a_second_click_while_running_starts_nothing(data: Data, accounts: Any, panel_factory: Any) -> None:
    county = await signed_in(panel_factory, data.services, "county_admin")
    await county.get("/admin/findings")
    await data.services.redis.set(keys.compare_job(), json.dumps({"state": "running", "step": 2, "steps": 8,
                                                                "doing": "死亡后仍领取", "actor": "staff:1"}))
    status, body = await county.post("/admin/findings/run")
    assert status == 200 and "已有一次比对正在进行" in body and "死亡后仍领取" in body
    assert await AuditEntry.filter(action="compare.start").count() == 0
