"""Every panel page, as every role, in a real browser (Playwright driving Debian's Chromium), on the demo county
with cases in every state: a full-page screenshot of each into tests/artifacts/panel/<role>/, and a failure for
any page that errs, logs a script error or shows an English word outside a short allow-list (issue 18).

The pages are found as a person finds them: from the dashboard, following every link of the panel the role is
shown (one page per route: /admin/cases/7 stands for every case), plus an address no page claims (the 404).
Text marked translate="no" (login names the county typed) is not prose and is not checked.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any, AsyncIterator

import pyotp
import pytest
import pytest_asyncio

from storage.models import Staff
from tests.admin.conftest import file_case
from tests.admin.test_admin_browser import CHROMIUM, browser  # noqa: F401  (one Chromium for this module)

SCREENS = Path(__file__).resolve().parents[1] / "artifacts" / "panel"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")

# Words a Chinese clerk reads as they are: file formats and units, product and standard names, the case
# number's prefix.
ALLOWED = {"XLSX", "CSV", "Excel", "WPS", "Word", "PDF", "Tab", "KB", "MB", "TOTP", "QF", "ID", "WeChat", "WeCom",
           "QR", "YAML"}
WORD = re.compile(r"[A-Za-z]{2,}")
SKIP = re.compile(r"/admin/(logout|static/)|\.(xlsx|csv|docx|pdf|png|svg|zip)(\?|$)|/attachments/|[?&]fresh=1")
VISIBLE_TEXT = """() => {
  const root = document.body.cloneNode(true);
  root.querySelectorAll('[translate=no], script, style, template').forEach(e => e.remove());
  const values = [...document.querySelectorAll('input[type=submit], input[type=button], input[placeholder], textarea[placeholder]')]
    .map(e => (e.value || '') + ' ' + (e.placeholder || ''));
  document.body.appendChild(root); root.style.position = 'absolute'; root.style.left = '-99999px';
  const text = root.innerText;  // innerText: only what is rendered, as a reader sees it
  root.remove();
  return text + '\\n' + values.join('\\n') + '\\n' + document.title;
}"""
PER_ROUTE = {"/admin/cases/{n}": 10}  # every case of the demo world: each state shows other words
LINKS = """() => [...document.querySelectorAll('a[href]')].filter(a => !a.target).map(a => a.href)"""


def route_of(url: str) -> str:
    """One key per page kind: numbers and codes in the path stand for every value."""
    path = url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    return "/" + re.sub(r"/(\d+|[A-Z]{1,3}\d[\w-]*)(?=/|$)", "/{n}", path).rstrip("/")


def english_words(text: str) -> set[str]:
    return {w for w in WORD.findall(text) if w not in ALLOWED}


async def _demo_world(services: Any) -> dict[str, str]:
    """The demo county (registry, accounts, subsidies, publication, a comparison run) and cases in every state."""
    from bot.cli.demo import DEMO_STAFF, load_demo_data
    from handlers.cases import actions
    from handlers.cases.queries import rate

    await load_demo_data(services)
    staff = {s.username: s for s in await Staff.all()}
    nanba, county = staff["nanba_staff"], staff["county_staff"]
    cases = [await file_case(services, text, township="610798101", village="610798101201", category=cat,
                             anonymous=anon, name=None if anon else "王五", phone=None if anon else "13800000000",
                             openid=None if anon else "o-browser-villager")
             for text, cat, anon in (("胡家庄村会计把我家低保钱扣了一半，说是管理费", "subsidy_fraud", False),
                                     ("村主任过年收了红包，还用公款吃喝", "eight_rules", True),
                                     ("村里的账目一直不公开", "disclosure", True),
                                     ("村委把集体鱼塘低价包给了亲戚", "collective_assets", True))]
    for c in cases[:3]:
        await actions.accept(c.id, actor_staff=nanba, services=services)
    for c in cases[:2]:
        await actions.resolve(c.id, actor_staff=nanba, result="经查属实，已责令退还并诫勉谈话", services=services)
    await rate(cases[0].id, False, "钱还没退回来", "reporter", services)
    await rate(cases[1].id, True, "", "reporter", services)
    await actions.reassign(cases[3].id, actor_staff=county, office_code="610798", reason="涉及镇干部，需回避",
                           services=services)
    return {u: p for u, _, _, p in DEMO_STAFF}


async def _sign_in(page: Any, username: str, password: str, services: Any) -> None:
    await page.goto("/admin/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    await page.click("main button[type=submit]")
    await page.wait_for_load_state()
    if await page.locator("#totp-secret").count():  # a county account enrols its second factor first
        assert await page.locator("svg#totp-qr").count() == 1
        secret = (await page.inner_text("#totp-secret")).strip()
        await page.fill("input[name=code]", pyotp.TOTP(secret).now())
        await page.click("main button[type=submit]")
        await page.wait_for_load_state()
    assert await page.locator("text=退出").count(), await page.content()


async def _visit_every_page(page: Any, role: str, base: str) -> tuple[list[str], dict[str, str]]:
    """(problems, route → url visited) for one signed-in role."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    visits: dict[str, int] = {}
    visited: set[str] = set()
    queue = [f"{base}/admin/", f"{base}/admin/no-such-page"]
    folder = SCREENS / role
    shutil.rmtree(folder, ignore_errors=True)  # this run's pages only
    folder.mkdir(parents=True)
    while queue and len(visited) < 120:
        url = queue.pop(0).split("#", 1)[0]
        key = route_of(url)
        if SKIP.search(url) or not url.startswith(f"{base}/admin") or url in visited:
            continue
        if visits.get(key, 0) >= PER_ROUTE.get(key, 1):
            continue
        visits[key] = visits.get(key, 0) + 1
        visited.add(url)
        seen.setdefault(key, url)
        page.js_errors.clear()
        resp = await page.goto(url)
        status = resp.status if resp else 0
        if status >= 400 and not url.endswith("/no-such-page"):
            problems.append(f"{role} {url}: HTTP {status}")
        shot = (key.strip("/").replace("/", "_").replace("{n}", "n") or "admin") + f"-{visits[key]}"
        await page.screenshot(path=str(folder / f"{shot}.png"), full_page=True)
        words = english_words(await page.evaluate(VISIBLE_TEXT))
        if words:
            problems.append(f"{role} {url}: English words {sorted(words)}")
        expected = status >= 400 and url.endswith("/no-such-page")  # the browser logs the 404 it was sent
        page.js_errors[:] = [e for e in page.js_errors if not (expected and e.startswith("Failed to load resource"))]
        if page.js_errors:
            problems.append(f"{role} {url}: script errors {page.js_errors}")
        if "/admin/login" in page.url:
            problems.append(f"{role} {url}: signed out")
            break
        queue += await page.evaluate(LINKS)
    return problems, seen


@pytest_asyncio.fixture
async def clean_fake(fake_wechat: Any) -> AsyncIterator[Any]:
    """The session's fake WeChat forgets what these pages made it do (the village QR codes): later tests count."""
    yield fake_wechat
    fake_wechat.state.reset()


async def test_every_page_as_every_role_is_chinese_and_screenshotted(browser: Any, app_server: Any,
                                                                     services: Any, clean_fake: Any) -> None:
    from storage.models import Role

    passwords = await _demo_world(services)
    base = str(app_server.make_url("")).rstrip("/")
    problems: list[str] = []
    routes: dict[str, dict[str, str]] = {}
    for staff in await Staff.all().order_by("id"):
        context = await browser.new_context(base_url=base, locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = await context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda exc, p=page: p.js_errors.append(str(exc)))
        page.on("console", lambda msg, p=page: p.js_errors.append(msg.text) if msg.type == "error" else None)
        await _sign_in(page, staff.username, passwords[staff.username], services)
        found, routes[staff.role] = await _visit_every_page(page, staff.username, base)
        problems += found
        await context.close()
    assert {str(r) for r in Role} <= set(routes), "a role of storage/models/accounts.py has no demo account"
    assert "/admin/model" in routes["county_admin"] and "/admin/cases/{n}" in routes["monitor"]
    assert "/admin/audit" in routes["auditor"] and "/admin/cases" not in routes["auditor"]
    assert len(routes["county_admin"]) >= 20, sorted(routes["county_admin"])
    assert not problems, "\n".join(problems)
