"""The panel in a real browser (Playwright driving Debian's Chromium): sign in with TOTP, work a case from
received to resolved, import a subsidy file with a bad row; screenshots go to tests/artifacts/."""
from __future__ import annotations

import os
from pathlib import Path
import time
from typing import Any, AsyncIterator

import pyotp
import pytest
import pytest_asyncio

from storage.models import AuditEntry, Case, CaseEvent, Status, SubsidyRecord
from tests.admin.conftest import PASSWORDS, file_case
from tests.admin.test_admin_data import csv_with_bad_row

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        await b.close()


@pytest_asyncio.fixture
async def page(browser: Any, app_server: Any) -> AsyncIterator[Any]:
    context = await browser.new_context(base_url=str(app_server.make_url("")).rstrip("/"), locale="zh-CN",
                                        viewport={"width": 1280, "height": 900})
    p = await context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    p.js_errors = errors
    yield p
    await context.close()


async def sign_in(page: Any, username: str) -> None:
    await page.goto("/admin/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORDS[username])
    await page.click("main button[type=submit]")


async def test_township_staff_works_a_case_from_received_to_resolved(page: Any, accounts: Any,
                                                                     services: Any) -> None:
    for i in range(3):  # something for the charts besides the case we work
        await file_case(services, f"村里公款吃喝第{i}次", township="610798101", village="610798101201",
                        category="eight_rules", keywords=["公款吃喝"])
    case = await file_case(services, "胡家庄村会计把我家低保钱扣了一半，说是管理费", township="610798101",
                           village="610798101201", keywords=["低保", "扣"])
    await sign_in(page, "nanba_staff")
    await page.wait_for_selector("#chart-trend")
    assert await page.inner_text("#n-open") == "4"
    # Chart.js drew into the canvases (served locally, no network).
    drawn = await page.evaluate("() => ['chart-trend','chart-status','chart-category','chart-township']"
                                ".every(id => window.Chart && Chart.getChart(document.getElementById(id)))")
    assert drawn
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "admin-dashboard.png"), full_page=True)

    await page.click("nav >> text=案件")
    await page.click(f"text={case.number}")
    assert "低保" in await page.inner_text("#keywords")
    assert "南坝镇纪委" in await page.inner_text("#route")

    async def act(action: str, fields: dict[str, str] | None = None) -> None:
        form = page.locator(f"form:has(input[name=action][value={action}])")
        await form.locator("xpath=ancestor::details").evaluate("d => d.open = true")
        for name, value in (fields or {}).items():
            await form.locator(f"[name={name}]").fill(value)
        await form.locator("button[type=submit]").click()
        await page.wait_for_load_state()

    await act("accept")
    assert await page.inner_text("#case-status") == "已受理"
    await act("start_investigation")
    assert await page.inner_text("#case-status") == "调查中"
    await act("reply_to_reporter", {"text": "您反映的问题已在调查，请耐心等待。"})
    await act("resolve", {"result": "经查属实，已责令退还被扣低保金并给予会计诫勉谈话。"})
    assert await page.inner_text("#case-status") == "已办结"
    timeline = await page.inner_text("#timeline")
    for kind in ("受理", "开始调查", "答复举报人", "办结"):
        assert kind in timeline
    await page.screenshot(path=str(ARTIFACTS / "admin-case.png"), full_page=True)
    fresh = await Case.get(id=case.id)
    assert fresh.status == Status.RESOLVED and fresh.result and "退还" in fresh.result
    actors = {e.actor for e in await CaseEvent.filter(case_id=case.id, kind__in=["accepted", "resolved"])}
    assert actors == {f"staff:{accounts['nanba_staff'].id}"}
    assert not page.js_errors, page.js_errors


async def test_county_admin_enrols_totp_and_imports_a_subsidy_file_with_a_bad_row(
        page: Any, accounts: Any, subsidy_cleanup: None, tmp_path: Path) -> None:
    await sign_in(page, "county_admin")
    secret = (await page.inner_text("#totp-secret")).strip()
    await page.fill("input[name=code]", pyotp.TOTP(secret).now())
    await page.click("main button[type=submit]")
    await page.wait_for_selector("#n-open")
    await page.click("text=退出")
    await page.wait_for_selector("input[name=username]")
    await sign_in(page, "county_admin")
    await page.wait_for_selector("input[name=code]")
    await page.fill("input[name=code]", pyotp.TOTP(secret).at(time.time() + 30))  # the enrolment spent now()
    await page.click("main button[type=submit]")
    await page.wait_for_selector("#n-open")
    assert await AuditEntry.filter(action="auth.totp_enrolled").count() == 1

    await page.click("nav >> text=补贴数据")
    await page.set_input_files("input[type=file]", str(csv_with_bad_row(tmp_path)))
    await page.click("text=上传并预览")
    bad = await page.inner_text("#bad-rows")
    assert "6" in bad and "身份证" in bad
    assert await SubsidyRecord.all().count() == 0
    await page.screenshot(path=str(ARTIFACTS / "admin-subsidy-preview.png"), full_page=True)
    await page.click("#import-good")
    assert "已导入 4 条记录" in await page.inner_text("#import-result")
    assert await SubsidyRecord.all().count() == 4
