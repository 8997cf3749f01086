"""Each rule finds exactly the planted cases, and none of the near misses beside them."""
from __future__ import annotations

from typing import Any

import pytest
from tortoise import Tortoise

from handlers.compare import RULES, RULES_BY_NAME
from handlers.compare.rule import to_hit
from tests.handlers.compare.conftest import DL, DONGLING, HJZ, NANBA, QS, SQ1, SQ2, Data

LOW, LAND, HOUSE, AGED, TEMP = "农村低保", "耕地地力保护补贴", "危房改造补助", "高龄补贴", "临时救助"


async def plant(d: Data) -> dict[str, set[tuple[str, ...]]]:
    """The whole synthetic county; returns, per rule, the (person, village, program, period) it must find."""
    d.standard(LOW, "800.00", "9600.00", "月")
    d.standard(LAND, "", "1500.00", "年", universal="是")
    d.standard(HOUSE, "30000.00", "", "一次性")
    d.standard(AGED, "600.00", "", "季")
    want: dict[str, set[tuple[str, ...]]] = {r.name: set() for r in RULES}

    # duplicate: twice in one month; a one-off grant twice; twice in one quarter; no standard = monthly
    a = d.person(); d.pay(a, LOW, "500", "2026-03-05", HJZ); d.pay(a, LOW, "500", "2026-03-25", HJZ)
    want["duplicate"].add((a, HJZ, LOW, "2026-03"))
    b = d.person(); d.pay(b, HOUSE, "20000", "2024-06-01", DL); d.pay(b, HOUSE, "20000", "2026-06-01", DL)
    want["duplicate"].add((b, DL, HOUSE, "once"))
    q = d.person(); d.pay(q, AGED, "300", "2026-02-01", HJZ); d.pay(q, AGED, "300", "2026-03-01", HJZ)
    want["duplicate"].add((q, HJZ, AGED, "2026-Q1"))
    t = d.person(); d.pay(t, TEMP, "1000", "2026-07-02", SQ1); d.pay(t, TEMP, "800", "2026-07-30", SQ1)
    want["duplicate"].add((t, SQ1, TEMP, "2026-07"))
    # near misses: consecutive months; consecutive quarters
    n = d.person(); d.pay(n, LOW, "500", "2026-03-31", HJZ); d.pay(n, LOW, "500", "2026-04-01", HJZ)
    n = d.person(); d.pay(n, AGED, "300", "2026-03-31", HJZ); d.pay(n, AGED, "300", "2026-04-01", HJZ)

    # multi_village: one program, one year, two villages (two townships; one township)
    c = d.person(); d.pay(c, LAND, "700", "2026-05-01", HJZ); d.pay(c, LAND, "700", "2026-06-01", QS)
    want["multi_village"].add((c, "", LAND, "2026"))
    c3 = d.person(); d.pay(c3, LOW, "500", "2026-01-10", DL); d.pay(c3, LOW, "500", "2026-02-10", SQ2)
    want["multi_village"].add((c3, "", LOW, "2026"))
    # near misses: two villages in different years; two programs from two villages
    n = d.person(); d.pay(n, LAND, "700", "2025-05-01", HJZ); d.pay(n, LAND, "700", "2026-05-01", QS)
    n = d.person(); d.pay(n, LAND, "700", "2026-05-01", HJZ); d.pay(n, LOW, "500", "2026-05-01", QS)

    # after_death: paid the day after (and a month after) the death
    e = d.person(); d.death(e, "2026-02-10")
    d.pay(e, AGED, "300", "2026-01-10", HJZ); d.pay(e, AGED, "300", "2026-04-11", HJZ)
    d.pay(e, LOW, "500", "2026-02-11", HJZ)
    want["after_death"].add((e, HJZ, "", ""))
    # near misses: the day before and the day of the death
    n = d.person(); d.death(n, "2026-02-10")
    d.pay(n, LOW, "500", "2026-02-09", HJZ); d.pay(n, AGED, "300", "2026-02-10", HJZ)

    # favoritism: the official himself; his spouse; both in the paying village
    boss = d.person(); d.official(boss, HJZ, "村委会主任")
    other = d.person(); d.official(other, "东岭村", "村党支部书记")
    d.pay(boss, LOW, "500", "2026-03-10", HJZ)
    want["favoritism"].add((boss, HJZ, LOW, ""))
    wife = d.person(); d.relative(boss, wife, "配偶"); d.pay(wife, LOW, "500", "2026-03-10", HJZ)
    want["favoritism"].add((wife, HJZ, LOW, ""))
    # near misses: the boss's son paid by another village; the other village's official paid in HJZ;
    # the boss's brother paid a 普惠 subsidy (every farmer gets it) by HJZ
    son = d.person(); d.relative(boss, son, "子女"); d.pay(son, LOW, "500", "2026-05-01", DL)
    d.pay(other, LOW, "500", "2026-05-01", HJZ)
    brother = d.person(); d.relative(boss, brother, "兄弟姐妹"); d.pay(brother, LAND, "700", "2026-05-01", HJZ)

    # over_standard: above the per-payment maximum; a year above the yearly maximum
    g = d.person(); d.pay(g, LOW, "900", "2026-03-10", HJZ)
    want["over_standard"].add((g, HJZ, LOW, "2026:payment"))
    g3 = d.person(); d.pay(g3, LAND, "1600", "2026-05-01", QS)
    want["over_standard"].add((g3, QS, LAND, "2026:year"))
    # near misses: exactly the maxima
    n = d.person(); d.pay(n, LOW, "800.00", "2026-03-10", HJZ)
    n = d.person(); d.pay(n, LAND, "1500", "2026-05-01", QS)

    # dibao_assets: a car registered before the payment; a business active at the time
    h = d.person(); d.vehicle(h, "陕K10001", "2025-01-01"); d.pay(h, LOW, "500", "2026-03-10", DL)
    want["dibao_assets"].add((h, DL, "低保", ""))
    h2 = d.person(); d.business(h2, "92610798MA00000A1X", "2020-01-01", "2026-12-31")
    d.pay(h2, "城市低保", "500", "2026-03-10", SQ2)
    want["dibao_assets"].add((h2, SQ2, "低保", ""))
    # near misses: car registered after the payment; business closed before it; a car but no 低保
    n = d.person(); d.vehicle(n, "陕K10002", "2026-04-01"); d.pay(n, LOW, "500", "2026-03-10", DL)
    n = d.person(); d.business(n, "92610798MA00000B2X", "2020-01-01", "2026-02-28")
    d.pay(n, LOW, "500", "2026-03-10", DL)
    n = d.person(); d.vehicle(n, "陕K10003", "2020-01-01"); d.pay(n, AGED, "300", "2026-03-10", DL)

    await d.load()
    return {rule: {(d.id_hash(p), *rest) for p, *rest in keys} for rule, keys in want.items()}


async def found(rule_name: str) -> set[tuple[str, ...]]:
    rows = await Tortoise.get_connection("default").execute_query_dict(RULES_BY_NAME[rule_name].sql)
    return {(h.id_hash, h.village_id or "", h.program, h.period) for h in map(to_hit, rows)}


@pytest.mark.parametrize("rule", [r.name for r in RULES])
async def test_rule_finds_exactly_the_planted_cases(data: Data, rule: str) -> None:
    want = await plant(data)
    assert await found(rule) == want[rule]


async def test_findings_carry_place_counts_and_facts(data: Data) -> None:
    await plant(data)
    conn = Tortoise.get_connection("default")
    hits = {r.name: [to_hit(x) for x in await conn.execute_query_dict(r.sql)] for r in RULES}
    death = hits["after_death"][0]  # the two payments after 2026-02-10, not the one before
    assert (death.records, str(death.amount), death.note) == (2, "800.00", "2026-02-10")
    assert str(death.first_paid) == "2026-02-11" and str(death.last_paid) == "2026-04-11"
    towns = {h.program: h.township_id for h in hits["multi_village"]}
    assert towns == {LAND: None, LOW: DONGLING}  # different townships: no single township
    assert {h.note for h in hits["favoritism"]} == {"村委会主任", "村委会主任的配偶"}
    assert {h.note for h in hits["over_standard"]} == {"800.00", "1500.00"}
    assert {h.note for h in hits["dibao_assets"]} == {"vehicle", "business"}
    assert all(h.township_id == NANBA for h in hits["duplicate"] if h.village_id in (HJZ, SQ1))
