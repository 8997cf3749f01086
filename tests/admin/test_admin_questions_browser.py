"""The question form in a real browser (Playwright, Debian's Chromium): staff ask an anonymous reporter from the
case page, the reporter answers by receipt in the chat, staff read the answer on the timeline; no openid shown."""
from __future__ import annotations

from typing import Any

from storage.models import Case, CaseEvent
from tests.admin.test_admin_browser import ARTIFACTS, browser, page, pytestmark, sign_in  # noqa: F401
from tests.handlers.conftest import Villager, new_openid
from tests.handlers.test_conversations_report import file_anonymous, receipt_in

QUESTION = "请问被扣的低保是哪几个月的?"
ANSWER = "今年三月到五月,每月少了两百"


async def test_staff_ask_in_the_browser_and_read_the_answer_on_the_timeline(
        page: Any, accounts: Any, services: Any, wechat: Any, http: Any) -> None:
    reporter = Villager(wechat, http, new_openid())
    receipt = receipt_in(await file_anonymous(reporter))
    case = await Case.get()

    await sign_in(page, "nanba_staff")
    await page.goto(f"/admin/cases/{case.id}")
    form = page.locator("form:has(input[name=action][value=ask_reporter])")
    await form.locator("xpath=ancestor::details").evaluate("d => d.open = true")
    await form.locator("[name=text]").fill(QUESTION)
    await form.locator("button[type=submit]").click()
    await page.wait_for_load_state()
    assert QUESTION in await page.inner_text("#open-questions")
    assert "向举报人提问" in await page.inner_text("#timeline")

    assert QUESTION in await reporter.one(f"查询进度 {receipt}")
    await reporter.one(ANSWER)

    await page.reload()
    timeline = await page.inner_text("#timeline")
    assert "举报人回答" in timeline and ANSWER in timeline
    assert await page.locator("#open-questions").count() == 0
    assert reporter.openid not in await page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "admin-case-question.png"), full_page=True)
    assert await CaseEvent.filter(case_id=case.id, kind="answer").count() == 1
    assert not page.js_errors, page.js_errors
