"""The staff workbench in a real browser (Playwright driving Debian's Chromium, issue 18): a clerk registers a letter
with a photo, answers with a canned reply, accepts a page of cases at once, merges a duplicate and downloads the
登记表; the county admin keeps the canned replies. Full-page screenshots go to tests/artifacts/."""
from __future__ import annotations

import io
import os
from typing import Any

import pyotp
import pytest
from docx import Document

from storage.models import Case, CaseEvent, Status
from storage.models.admin import CannedReply
from tests.admin.conftest import file_case
from tests.admin.test_admin_browser import ARTIFACTS, CHROMIUM, browser, page, sign_in  # noqa: F401  (fixtures)
from tests.admin.test_admin_intake import photo_with_gps

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")


async def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"workbench-{name}.png"), full_page=True)


async def open_action(page: Any, action: str) -> Any:
    form = page.locator(f"form:has(input[name=action][value={action}])")
    await form.locator("xpath=ancestor::details").evaluate("d => d.open = true")
    return form


async def test_clerk_registers_a_letter_with_a_photo(page: Any, accounts: Any, services: Any, tmp_path: Any) -> None:
    photo = tmp_path / "letter.jpg"
    photo.write_bytes(photo_with_gps())
    await sign_in(page, "nanba_staff")
    await page.click("nav >> text=来信来访登记")
    await page.select_option("select[name=channel]", label="来信")
    await page.fill("textarea[name=text]", "胡家庄村会计把我家的低保钱扣了一半，说是管理费")
    await page.select_option("select[name=village]", label="胡家庄村")
    await page.fill("input[name=name]", "李秀英")
    await page.set_input_files("input[name=files]", str(photo))
    await shot(page, "intake-form")
    await page.click("#intake-submit")
    await page.wait_for_selector("#intake-done")
    await shot(page, "intake-done")
    case = await Case.get(channel="letter")
    assert case.number in await page.inner_text("#intake-number")
    assert len((await page.inner_text("#intake-receipt")).replace(" ", "")) == 16
    assert case.office == "610798101" and not case.anonymous
    await page.click(f"#intake-number >> text={case.number}")
    await page.wait_for_selector("#timeline")
    assert "来信" in await page.inner_text("main")
    assert "李秀英" not in await page.inner_text("main")
    assert not page.js_errors, page.js_errors


async def test_clerk_answers_with_a_canned_reply_and_downloads_the_form(page: Any, accounts: Any,
                                                                        services: Any) -> None:
    await CannedReply.create(category="subsidy_fraud", status="received", title="已收到，将受理",
                             text="您反映的问题（编号{编号}）已收到，我们将在3个工作日内受理。", updated_by="staff:1")
    case = await file_case(services, "胡家庄村会计扣了我家低保", township="610798101", village="610798101201")
    await sign_in(page, "nanba_staff")
    await page.goto(f"/admin/cases/{case.id}")
    form = await open_action(page, "reply_to_reporter")
    await form.locator("select.canned").select_option(label="已收到，将受理")
    box = form.locator("textarea[name=text]")
    assert await box.input_value() == f"您反映的问题（编号{case.number}）已收到，我们将在3个工作日内受理。"
    await box.fill(await box.input_value() + "如有补充请来电。")
    await shot(page, "canned-reply")
    await form.locator("button[type=submit]").click()
    await page.wait_for_selector("#timeline")
    reply = await CaseEvent.get(case_id=case.id, kind="reply")
    assert reply.reason.endswith("如有补充请来电。") and case.number in reply.reason

    async with page.expect_download() as info:
        await page.click("a[data-doc=registration-docx]")
    download = await info.value
    doc = Document(io.BytesIO(open(await download.path(), "rb").read()))
    cells = " ".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert case.number in cells and "答复举报人" in cells
    assert not page.js_errors, page.js_errors


async def test_clerk_accepts_a_page_of_cases_and_merges_a_duplicate(page: Any, accounts: Any, services: Any) -> None:
    cases = [await file_case(services, text, township="610798101", village="610798101201") for text in (
        "胡家庄村会计把我家低保钱扣了一半", "村里给五保户的钱到现在没发下来", "村主任把危房改造补助给了自己亲戚")]
    await sign_in(page, "nanba_staff")
    await page.click("nav >> text=案件")
    await page.check("#check-all")
    await page.select_option("#bulk-action", label="受理")
    await page.click("#bulk-submit")
    await page.wait_for_selector("#bulk-results")
    await shot(page, "bulk-result")
    assert "成功 3 件" in await page.inner_text("#bulk-summary")
    assert {(await Case.get(id=c.id)).status for c in cases} == {Status.ACCEPTED}

    await page.goto(f"/admin/cases/{cases[1].id}")
    form = await open_action(page, "merge")
    await form.locator("input[name=into]").fill(cases[0].number)
    await form.locator("textarea[name=reason]").fill("同一户的同一笔钱")
    await form.locator("button[type=submit]").click()
    await page.wait_for_selector("#timeline")
    assert "并入" in await page.inner_text("#timeline")
    await shot(page, "merged")
    assert (await Case.get(id=cases[1].id)).linked_to_id == cases[0].id
    assert not page.js_errors, page.js_errors


async def test_county_admin_keeps_canned_replies(page: Any, accounts: Any, services: Any) -> None:
    await sign_in(page, "county_admin")
    secret = (await page.inner_text("#totp-secret")).strip()
    await page.fill("input[name=code]", pyotp.TOTP(secret).now())
    await page.click("main button[type=submit]")
    await page.wait_for_selector("nav")
    await page.click("nav >> text=常用答复")
    form = page.locator("#new-reply form")
    await form.locator("select[name=category]").select_option(label="优亲厚友")
    await form.locator("select[name=status]").select_option(label="调查中")
    await form.locator("input[name=title]").fill("正在核查")
    await form.locator("textarea[name=text]").fill("您反映的问题正在核查中，请耐心等待。")
    await form.locator("button[type=submit]").click()
    await page.wait_for_selector("#replies-done")
    await shot(page, "canned-replies")
    row = await CannedReply.get(title="正在核查")
    assert (row.category, row.status) == ("favoritism", "investigating")
    assert "优亲厚友" in await page.inner_text(f"#reply-{row.id}")
    assert not page.js_errors, page.js_errors
