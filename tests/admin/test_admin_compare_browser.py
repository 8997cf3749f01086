"""The workbench in Chromium, driven as a clerk would: the worklist counts in the header lead to the worklist,
and county staff start 立即比对 from the findings page, watch it run, and read its result."""
from __future__ import annotations

import os
from typing import Any

import pyotp
import pytest

from handlers.compare import job
from storage.models.compare import Finding
from tests.admin.conftest import file_case
from tests.admin.test_admin_browser import ARTIFACTS, CHROMIUM, browser, page, sign_in  # noqa: F401  (fixtures)
from tests.handlers.compare.conftest import Data, data  # noqa: F401  (fixture)
from tests.handlers.compare.test_compare_rules import plant

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")


async def _enrol(page: Any, username: str) -> None:
    """A county role's first sign-in: scan (here: read) the secret, type the code."""
    await sign_in(page, username)
    secret = (await page.inner_text("#totp-secret")).strip()
    await page.fill("input[name=code]", pyotp.TOTP(secret).now())
    await page.click("main button[type=submit]")
    await page.wait_for_selector("#worklist")


async def test_county_staff_run_the_comparison_and_follow_it_in_the_browser(page: Any, data: Data,  # noqa: F811
                                                                            accounts: Any) -> None:
    await plant(data)
    await file_case(data.services, "胡家庄村会计扣了低保", township="610798101", village="610798101201")
    await _enrol(page, "county_staff")
    assert await page.inner_text("#wl-new") == "1"
    await page.click("#worklist")
    await page.wait_for_selector("section#new")
    assert "1" == await page.inner_text("#total-new")
    await page.screenshot(path=str(ARTIFACTS / "admin-worklist.png"), full_page=True)

    await page.click("nav >> text=比对疑点")
    await page.wait_for_selector("#run-compare")
    assert await page.inner_text("#total") == "0"
    await page.click("#run-compare")
    await page.wait_for_selector("#compare-state")
    await job.wait()
    await page.wait_for_function("() => document.querySelector('#compare-state').innerText.includes('比对完成')",
                                 timeout=20_000)
    assert int(await page.inner_text("#compare-clues")) == await Finding.filter(case_id__not_isnull=True).count() > 0
    assert int(await page.inner_text("#total")) == await Finding.all().count()
    assert "重复" in await page.inner_text("#compare-result")
    await page.screenshot(path=str(ARTIFACTS / "admin-compare-run.png"), full_page=True)
    assert not page.js_errors, page.js_errors
