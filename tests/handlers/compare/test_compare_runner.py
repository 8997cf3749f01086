"""The runner: every finding becomes one clue, routed like a report; never twice; explained stays closed."""
from __future__ import annotations

import asyncio
from typing import Any

import pytest

from handlers.compare import RULES_BY_NAME, explain, run_all
from handlers.compare.runner import NotExplainable
from nlp.idcard import mask_id
from storage.models import AuditEntry, Case, CaseEvent
from storage.models.compare import Finding, FindingStatus
from tests.handlers.compare.conftest import COUNTY, DONGLING, HJZ, NANBA, Data
from tests.handlers.compare.test_compare_rules import AGED, LAND, LOW, plant


async def test_each_finding_becomes_one_clue_routed_like_a_report(data: Data, sensitive_log: Any) -> None:
    want = await plant(data)
    summary = await run_all(data.services)
    findings = await Finding.all().order_by("id")
    assert len(findings) == sum(len(v) for v in want.values()) == summary.clues
    assert await Case.all().count() == len(findings)
    for f in findings:
        case = await Case.get(id=f.case_id)
        assert (case.channel, case.category, case.source_ref) == ("compare", RULES_BY_NAME[f.rule].category,
                                                                  {"finding": f.id})
        assert case.text.startswith(f"【大数据比对·{RULES_BY_NAME[f.rule].title}】")
        filed = await CaseEvent.get(case_id=case.id, kind="filed")
        assert filed.actor == "system"
    route = {(f.rule, f.village_id, f.program): (await Case.get(id=f.case_id)).route_to for f in findings}
    assert route[("multi_village", None, LAND)] == COUNTY  # villages in two townships
    assert route[("multi_village", None, LOW)] == DONGLING  # both villages in 东岭镇
    assert route[("favoritism", HJZ, LOW)] == NANBA
    assert route[("duplicate", "610798101202", "临时救助")] == COUNTY  # 石桥村 is under elevated supervision
    # the clue names the person masked, never in full; logs name nobody
    texts = " ".join([c.text for c in await Case.all()])
    for number, name in data.names.items():
        assert number not in texts and name not in texts
        assert all(number not in r.getMessage() and name not in r.getMessage() for r in sensitive_log.records)
    death = next(f for f in findings if f.rule == "after_death")
    text = (await Case.get(id=death.case_id)).text
    assert "登记死亡日期2026-02-10" in text and "共2笔，合计800.00元" in text
    assert any(mask_id(n) in text for n in data.names) and "2026-01-10" not in text  # only payments after death


async def test_a_second_run_raises_nothing_again(data: Data) -> None:
    await plant(data)
    first = await run_all(data.services)
    again = await run_all(data.services)
    assert first.clues > 0 and again.clues == 0 and sum(again.new.values()) == 0
    assert again.found == first.found
    assert await Case.all().count() == first.clues


async def test_new_payments_refresh_the_finding_without_a_second_clue(data: Data) -> None:
    await plant(data)
    await run_all(data.services)
    death = await Finding.get(rule="after_death")
    dead = next(n for n in data.names if data.id_hash(n) == death.id_hash)
    data.pay(dead, AGED, "300", "2026-07-11", HJZ)
    await data.load()
    cases = await Case.all().count()
    summary = await run_all(data.services)
    assert summary.clues == 0 and await Case.all().count() == cases
    refreshed = await Finding.get(id=death.id)
    assert (refreshed.records, str(refreshed.last_paid)) == (3, "2026-07-11")


async def test_concurrent_runs_raise_each_clue_once(data: Data) -> None:
    await plant(data)
    a, b = await asyncio.gather(run_all(data.services), run_all(data.services))
    assert a.clues + b.clues == await Finding.all().count() == await Case.all().count()


async def test_explained_finding_closes_its_clue_and_stays_closed(data: Data) -> None:
    await plant(data)
    await run_all(data.services)
    f = await Finding.get(rule="favoritism", note="村委会主任")
    with pytest.raises(NotExplainable):
        await explain(f.id, "  ", actor="staff:3", services=data.services)
    done = await explain(f.id, "经村民代表会议评议，本人符合低保条件", actor="staff:3", services=data.services)
    assert done.status == FindingStatus.EXPLAINED and done.explained_by == "staff:3"
    case = await Case.get(id=f.case_id)
    assert case.status == "rejected"
    event = await CaseEvent.filter(case_id=case.id).order_by("-id").first()
    assert event is not None and event.actor == "staff:3" and "本人符合低保条件" in event.reason
    assert await AuditEntry.filter(action="compare.explain", target=f"finding:{f.id}").exists()
    with pytest.raises(NotExplainable):
        await explain(f.id, "再说明一次", actor="staff:4", services=data.services)
    # more payments to the same person later: still the same, explained finding; no new clue
    boss = next(n for n in data.names if data.id_hash(n) == f.id_hash)
    data.pay(boss, LOW, "500", "2026-08-10", HJZ)
    await data.load()
    cases = await Case.all().count()
    assert (await run_all(data.services)).clues == 0 and await Case.all().count() == cases
    assert (await Finding.get(id=f.id)).status == FindingStatus.EXPLAINED


async def test_explaining_a_clue_under_investigation_resolves_it(data: Data) -> None:
    from handlers.cases.transitions import transition
    from storage.models import Status

    await plant(data)
    await run_all(data.services)
    f = await Finding.get(rule="after_death")
    await transition(f.case_id, Status.ACCEPTED, actor="staff:1", services=data.services)
    await transition(f.case_id, Status.INVESTIGATING, actor="staff:1", services=data.services)
    await explain(f.id, "死亡登记有误，已由派出所更正", actor="staff:1", services=data.services)
    case = await Case.get(id=f.case_id)
    assert case.status == "resolved" and "死亡登记有误" in (case.result or "")
