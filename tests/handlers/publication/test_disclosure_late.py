"""村务、财务公开: uploads checked for personal data, the late list, and the `disclosure` clue a late village
raises through the comparison's case flow — once, and closed for good by an explanation."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from handlers.compare import explain, run_all
from handlers.publication import disclosures as D
from storage.models import Case, Status
from storage.models.compare import Finding, FindingStatus
from storage.models.publication import DisclosureKind, DisclosurePeriod
from tests.handlers.conftest import Villager, new_openid
from tests.handlers.publication.conftest import FINANCE_ROWS, xlsx_bytes

HJZ, SQ1, DL = "610798101201", "610798101202", "610798102201"
NANBA, DONGLING = "610798101", "610798102"


async def past_period() -> DisclosurePeriod:
    """A quarter whose due date has passed (the database's CURRENT_DATE decides lateness)."""
    return await D.quarter_period(DisclosureKind.FINANCE, date.today().year - 1, 3)


async def upload(village: str, period: DisclosurePeriod, services: Any, *, on: date | None = None,
                 rows: list[list[Any]] | None = None, summary: str = "") -> Any:
    return await D.publish(D.Upload(village, period.id, "", summary, "caiwu.xlsx", xlsx_bytes(rows or FINANCE_ROWS)),
                           actor="staff:1", today=on or period.due_on - timedelta(days=5))


def test_quarter_is_due_on_the_20th_of_the_next_quarters_first_month() -> None:
    assert D.quarter_bounds(2026, 3) == (date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 20))
    assert D.quarter_bounds(2026, 4)[2] == date(2027, 1, 20)


async def test_upload_sums_income_and_spending_and_refuses_an_id_number(registry_loaded: Any) -> None:
    services = registry_loaded
    p = await past_period()
    d = await upload(HJZ, p, services)
    assert d.summary == "本期收入合计12000.00元；本期支出合计3670.50元"
    with pytest.raises(D.BadDisclosure, match="身份证号"):
        await upload(SQ1, p, services, rows=[["户主", "身份证号"], ["张三", "11010519491231002X"]])
    with pytest.raises(D.BadDisclosure, match="脱敏"):
        await upload(SQ1, p, services, rows=[["收款人", "支出"], ["张*", 300], ["李大山", 200]])
    masked = await upload(SQ1, p, services, rows=[["收款人", "支出"], ["张*", 300], ["李**", 200]])
    assert masked.summary == "本期支出合计500.00元"
    with pytest.raises(D.BadDisclosure, match="XLSX"):
        await D.publish(D.Upload(SQ1, p.id, "", "x", "fake.xlsx", b"not a spreadsheet"), actor="t")


async def test_late_village_raises_one_disclosure_clue_and_an_explanation_closes_it(registry_loaded: Any) -> None:
    services = registry_loaded
    p = await past_period()
    await upload(HJZ, p, services)  # on time
    await upload(SQ1, p, services, on=p.due_on + timedelta(days=3))  # late
    late = {x.village: x for x in await D.late_villages(township=NANBA)}
    assert set(late) == {SQ1} and late[SQ1].disclosed_on == p.due_on + timedelta(days=3)

    summary = await run_all(services)
    assert summary.new["disclosure_late"] >= 2  # every late village of the county, 东岭村 among them
    f = await Finding.get(rule="disclosure_late", village_id=DL)
    case = await Case.get(id=f.case_id)
    assert case.category == "disclosure" and case.channel == "compare" and case.office == DONGLING
    assert "应于" in case.text and "前公开" in case.text and p.label in case.text
    assert not await Finding.filter(rule="disclosure_late", village_id=HJZ).exists()

    again = await run_all(services)
    assert again.new["disclosure_late"] == 0 and again.clues == 0
    assert await Case.filter(category="disclosure", village_id=DL).count() == 1

    await explain(f.id, "村委会换届期间暂停公开，已补公开", actor="staff:1", services=services)
    assert (await Case.get(id=case.id)).status == Status.REJECTED
    await run_all(services)
    assert (await Finding.get(id=f.id)).status == FindingStatus.EXPLAINED
    assert await Case.filter(category="disclosure", village_id=DL).count() == 1


async def test_chat_village_affairs_shows_the_summary_and_what_is_late(wechat: Any, http: Any,
                                                                        registry_loaded: Any) -> None:
    services = registry_loaded
    p = await past_period()
    await upload(HJZ, p, services)
    v = Villager(wechat, http, new_openid())
    assert "请回复您所在的村" in await v.one("村务公开")
    reply = await v.one("胡家庄")
    assert "胡家庄村村务公开" in reply and "本期收入合计12000.00元" in reply
    assert 'data-miniprogram-path="pages/disclosures/index?village=610798101201"' in reply
    assert "至今未公开" not in reply
    amb = await v.one("村务公开 石桥村")
    assert "南坝镇石桥村" in amb and "东岭镇石桥村" in amb
    late = await v.one("东岭镇石桥村")
    assert "至今未公开" in late and "回复【举报】" in late
