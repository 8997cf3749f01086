"""Issue 17: what the chat now asks after the description reaches the case page — the category's questions
(sealed, shown to staff) and the 实名 reporter's name (sealed, shown only on a reveal)."""
from __future__ import annotations

from typing import Any

from handlers import report_texts as T
from storage.models import Case, ReporterIdentity
from tests.admin.conftest import signed_in
from tests.handlers.conftest import all_redis, all_rows, confirmed, villager  # noqa: F401  (fixture)

LOW_INCOME = "胡家庄村的村支书把我家低保扣了"
HOUSEHOLD, YEAR, NAME = "王大福家", "2024年下半年", "张秀英"


async def test_low_income_report_asks_which_household_and_year_and_staff_read_the_answers(
        villager: Any, services: Any, accounts: Any, panel_factory: Any) -> None:
    await villager.one("举报")
    await villager.one(LOW_INCOME)
    await villager.one("好了")
    first = await villager.one("1")
    assert "是哪一户" in first and "【跳过】" in first
    assert "哪一年" in await villager.one(HOUSEHOLD)
    assert await villager.one(YEAR) == T.ASK_IDENTITY
    assert "QF" in await villager.one("2")
    case = await Case.get()
    assert case.answers_enc and all(HOUSEHOLD not in r for r in await all_rows())  # sealed with the case
    assert not any(HOUSEHOLD.encode() in v for v in await all_redis(services))
    panel = await signed_in(panel_factory, services, "nanba_staff")
    status, page = await panel.get(f"/admin/cases/{case.id}")
    assert status == 200 and 'id="answers"' in page
    assert "涉及哪一户" in page and HOUSEHOLD in page and "涉及年份" in page and YEAR in page


async def test_land_report_asks_project_and_mu_and_either_may_be_skipped(villager: Any, services: Any) -> None:
    from handlers.cases.filing import open_answers

    await villager.one("举报")
    await villager.one("胡家庄村主任把征地补偿款截留了一部分,没发给我们")
    assert (await villager.one("好了")).startswith("您反映的是南坝镇胡家庄村的征地拆迁补偿问题")
    assert "哪个征地或拆迁项目" in await villager.one("1")
    assert "多少亩" in await villager.one("跳过")
    assert await villager.one("十二亩") == T.ASK_IDENTITY
    await villager.one("2")
    assert open_answers(services.cipher, await Case.get()) == [("涉及面积(亩)或户数", "十二亩")]


async def test_real_name_report_asks_for_the_name_and_shows_it_only_on_reveal(
        villager: Any, services: Any, accounts: Any, panel_factory: Any, sensitive_log: Any) -> None:
    await villager.one("举报")
    await villager.one(LOW_INCOME)
    await villager.one("好了")
    await confirmed(villager)
    assert await villager.one("1") == T.ASK_NAME
    assert await villager.one("13800138000") == T.BAD_NAME  # a phone typed too early is not a name
    assert await villager.one(f"我叫{NAME}") == T.ASK_PHONE
    assert "QF" in await villager.one("跳过")
    case = await Case.get()
    ident = await ReporterIdentity.get(case_id=case.id)
    assert services.cipher.open(ident.name_enc) == NAME
    assert not any(NAME in r for r in await all_rows())
    assert not any(NAME.encode() in v for v in await all_redis(services)) and NAME not in sensitive_log.text
    county = await signed_in(panel_factory, services, "county_admin")
    status, page = await county.get(f"/admin/cases/{case.id}")
    assert status == 200 and NAME not in page  # not without a reveal
    status, page = await county.post(f"/admin/cases/{case.id}/reveal", {"reason": "核实举报人身份"})
    assert status == 200 and NAME in page and "未留姓名" not in page


async def test_real_name_reporter_may_skip_the_name(villager: Any, services: Any, accounts: Any,
                                                    panel_factory: Any) -> None:
    await villager.one("举报")
    await villager.one(LOW_INCOME)
    await villager.one("好了")
    await confirmed(villager)
    await villager.one("实名")
    assert await villager.one("跳过") == T.ASK_PHONE
    assert "QF" in await villager.one("13800138000")
    case = await Case.get()
    assert (await ReporterIdentity.get(case_id=case.id)).name_enc is None
    county = await signed_in(panel_factory, services, "county_admin")
    status, page = await county.post(f"/admin/cases/{case.id}/reveal", {"reason": "核实举报人身份"})
    assert status == 200 and "未留姓名" in page and "13800138000" in page
