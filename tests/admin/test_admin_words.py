"""Issue 18: the panel speaks the clerk's language — Chinese error pages (never aiohttp's "404: Not Found" or an
English refusal), ratings in words, no function words shown as the reasons of a category, and a monitor
dropdown that offers only the monitors of the case's own village."""
from __future__ import annotations

import re
from typing import Any

from admin.accounts import create_user
from storage.models import Case
from storage.models.admin import MonitorAssignment
from tests.admin.conftest import file_case, signed_in

ENGLISH = re.compile(r"[A-Za-z]{3,}")


def _visible(body: str) -> str:
    """The text a person reads: the <main> part without tags."""
    main = body.split("<main>", 1)[-1].split("</main>", 1)[0]
    return re.sub(r"<[^>]+>", " ", main)


async def test_error_pages_are_chinese_panel_pages(accounts: Any, panel_factory: Any, services: Any) -> None:
    other = await file_case(services, "东岭村主任公款吃喝", township="610798102", village="610798102201",
                            category="eight_rules")
    nanba = await signed_in(panel_factory, services, "nanba_staff")
    cases = [
        ("/admin/no-such-page", 404, "没有找到这个页面"),
        (f"/admin/cases/{other.id}", 404, "没有这件案件"),  # another township's case: like a missing one
        ("/admin/cases/abc", 404, "没有找到这个页面"),
        ("/admin/audit", 403, "无权进行此项操作"),
        ("/admin/reports/statistics.xlsx?kind=month&period=2026-13", 400, "期间格式不对"),
    ]
    for path, status, words in cases:
        got, body = await nanba.get(path)
        assert got == status, path
        text = _visible(body)
        assert words in text and "Not Found" not in body and "Forbidden" not in body, (path, text)
        assert not ENGLISH.search(text), (path, ENGLISH.findall(text))
        assert "退出" in body  # the panel's frame, signed in
    got, body = await nanba.post("/admin/cases/1/action", {"action": "accept"}, csrf=False)
    assert got == 403 and "页面已过期" in _visible(body)


async def test_rating_is_shown_in_words(accounts: Any, panel_factory: Any, services: Any) -> None:
    from handlers.cases import actions
    from handlers.cases.queries import rate

    case = await file_case(services, "胡家庄村低保被扣", township="610798101", village="610798101201")
    staff = accounts["nanba_staff"]
    await actions.accept(case.id, actor_staff=staff, services=services)
    await actions.resolve(case.id, actor_staff=staff, result="已纠正", services=services)
    await rate(case.id, False, "钱没退", "reporter", services)
    county = await signed_in(panel_factory, services, "county_staff")
    _, body = await county.get(f"/admin/cases/{case.id}")
    assert re.search(r'id="rating">不满意 钱没退', body) and "unsatisfied" not in _visible(body)


async def test_function_words_are_not_shown_as_reasons_of_a_category(accounts: Any, panel_factory: Any,
                                                                     services: Any) -> None:
    from nlp import analyze

    text = "那个时候村主任反而把低保给了他亲戚"
    assert not {"时候", "反而"} & set(analyze(text, await services.registry()).keywords)
    old = await file_case(services, text, township="610798101", village="610798101201", category="favoritism",
                          keywords=["亲戚", "低保", "时候", "反而"])  # filed before the words were left out
    panel = await signed_in(panel_factory, services, "nanba_staff")
    _, body = await panel.get(f"/admin/cases/{old.id}")
    shown = _visible(body.split('id="keywords"', 1)[1].split("</dd>", 1)[0])
    assert "亲戚" in shown and "低保" in shown and "时候" not in shown and "反而" not in shown


async def test_monitor_dropdown_offers_only_the_cases_village(accounts: Any, panel_factory: Any,
                                                              services: Any) -> None:
    shiqiao = await create_user("shiqiao_monitor", "monitor", "610798101202", "shiqiao-monitor-pass-1", "石桥监督员")
    dongling = await create_user("dongling_monitor", "monitor", "610798102201", "dongling-monitor-pass-1", "东岭监督员")
    case = await file_case(services, "胡家庄村会计扣低保", township="610798101", village="610798101201")
    for who in ("nanba_staff", "county_staff"):
        panel = await signed_in(panel_factory, services, who)
        _, body = await panel.get(f"/admin/cases/{case.id}")
        select = body.split('name="monitor"', 1)[1].split("</select>", 1)[0]
        assert f'value="{accounts["hujia_monitor"].id}"' in select and "胡家庄村" in select
        assert f'value="{shiqiao.id}"' not in select and f'value="{dongling.id}"' not in select, who
        status, _ = await panel.post(f"/admin/cases/{case.id}/monitor", {"monitor": str(shiqiao.id)})
        assert status == 400
    assert not await MonitorAssignment.filter(case_id=case.id).exists()
    status, _ = await panel.post(f"/admin/cases/{case.id}/monitor", {"monitor": str(accounts["hujia_monitor"].id)})
    assert status == 200 and await MonitorAssignment.filter(case_id=case.id).count() == 1
    assert (await Case.get(id=case.id)).id == case.id
