"""The publication pages in a real browser (Playwright driving Debian's Chromium): a township clerk sees which of
their villages are late, uploads a 财务公开 table and sees the list change; the flowchart of a power is drawn;
点题 results per township. Screenshots go to tests/artifacts/."""
from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Any

import pytest

from handlers.publication import disclosures as D
from handlers.publication import topics
from handlers.publication.power_import import import_powers, read_rows
from storage.models import AuditEntry
from storage.models.publication import DisclosureKind, RoundStatus
from tests.admin.test_admin_browser import ARTIFACTS, CHROMIUM, browser, page, sign_in  # noqa: F401  (fixtures)
from tests.handlers.publication.conftest import DEMO_POWERS, FINANCE_ROWS, xlsx_bytes

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")


async def test_township_clerk_uploads_a_late_villages_disclosure_and_sees_the_flowchart(
        page: Any, accounts: Any, services: Any, tmp_path: Any) -> None:
    period = await D.quarter_period(DisclosureKind.FINANCE, date.today().year - 1, 4)
    await import_powers(read_rows(DEMO_POWERS), services.redis, actor="test")
    await sign_in(page, "nanba_staff")
    await page.click("nav >> text=公开")
    await page.click("#pubnav >> text=村务公开")
    late = page.locator("table.late-table[data-township='610798101'] tr[data-village]")
    assert await late.count() == 2  # both 南坝镇 villages, nothing of 东岭镇
    assert await page.locator("tr[data-village='610798102201']").count() == 0
    path = tmp_path / "caiwu.xlsx"
    path.write_bytes(xlsx_bytes(FINANCE_ROWS))
    form = page.locator("#disclosure-upload")
    await form.locator("select[name=village]").select_option("610798101201")
    await form.locator("select[name=period]").select_option(str(period.id))
    await form.locator("input[name=file]").set_input_files(str(path))
    await form.locator("button[type=submit]").click()
    await page.wait_for_selector("#disclosure-uploaded")
    assert "本期收入合计12000.00元" in await page.inner_text("#disclosure-uploaded")
    row = page.locator("tr[data-village='610798101201']")
    assert "逾期公开" in await row.inner_text()  # uploaded today, after the due date: still late, and shown so
    assert await AuditEntry.filter(action="disclosure.upload").exists()
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "admin-disclosures.png"), full_page=True)

    await page.click("#pubnav >> text=小微权力清单")
    await page.click("text=农村宅基地审批")
    await page.wait_for_function("() => document.getElementById('power-flowchart').naturalWidth > 0")
    assert "20个工作日内" in await page.inner_text("#power-time-limit")
    assert await page.locator("#power-edit").count() == 0  # only the county admin edits
    await page.screenshot(path=str(ARTIFACTS / "admin-power.png"), full_page=True)
    assert page.js_errors == []


async def test_topic_results_per_township_in_the_browser(page: Any, accounts: Any, services: Any) -> None:
    today = date.today()
    r = await topics.create_round("群众点题", today, today + timedelta(days=5), [("低保评定", ""), ("工程项目", "")],
                                  actor="test")
    await topics.set_status(r, RoundStatus.OPEN, actor="test")
    a, b = await topics.topics_of(r)
    await topics.vote(r, a.id, "s" * 32, township="610798101")
    await topics.vote(r, b.id, "t" * 32, township="610798102")
    await sign_in(page, "nanba_staff")
    await page.goto("/admin/topics")
    assert await page.locator("#by-township tr[data-township='610798101']").count() == 1
    assert await page.locator("#by-township tr[data-township='610798102']").count() == 0  # another township's
    assert await page.inner_text(f"#topic-totals tr[data-topic='{a.id}'] .votes") == "1"
    assert await page.inner_text(f"#topic-totals tr[data-topic='{b.id}'] .votes") == "0"
