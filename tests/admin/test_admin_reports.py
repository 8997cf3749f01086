"""Monthly / quarterly statistics as XLSX: right counts, only the viewer's township, audited."""
from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from openpyxl import load_workbook

from admin.filters import CST
from storage.models import AuditEntry
from tests.admin.conftest import file_case, signed_in


async def _sheets(panel: Any, query: str) -> dict[str, list[tuple[Any, ...]]]:
    status, data, _ = await panel.get_bytes("/admin/reports/statistics.xlsx" + query)
    assert status == 200
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


async def test_statistics_xlsx_counts_the_viewers_scope_and_is_audited(accounts: Any, panel_factory: Any,
                                                                       services: Any) -> None:
    for _ in range(2):
        await file_case(services, "胡家庄村低保被扣", township="610798101", village="610798101201")
    await file_case(services, "东岭村主任公款吃喝", township="610798102", village="610798102201",
                    category="eight_rules")
    now = datetime.now(CST)
    month = now.strftime("%Y-%m")
    quarter = f"{now.year}-Q{(now.month - 1) // 3 + 1}"
    county = await signed_in(panel_factory, services, "county_staff")
    sheets = await _sheets(county, f"?kind=month&period={month}")
    summary = dict(r[:2] for r in sheets["汇总"][1:])
    assert summary["登记件数"] == 3 and summary["办理中"] == 3
    towns = {r[0]: r[-1] for r in sheets["按乡镇"][1:]}
    assert towns == {"南坝镇": 2, "东岭镇": 1}
    township = await signed_in(panel_factory, services, "nanba_staff")
    sheets = await _sheets(township, f"?kind=quarter&period={quarter}")
    assert "南坝镇" in sheets["汇总"][0][0]
    assert {r[0]: r[-1] for r in sheets["按乡镇"][1:]} == {"南坝镇": 2}
    assert {r[0] for r in sheets["按类别"][1:]} == {"惠民惠农资金问题"}
    entries = await AuditEntry.filter(action="statistics.export").order_by("id")
    assert [e.actor for e in entries] == [f"staff:{accounts['county_staff'].id}", f"staff:{accounts['nanba_staff'].id}"]
    status, _ = await township.get("/admin/reports/statistics.xlsx?kind=month&period=2026-13")
    assert status == 400
    monitor = await signed_in(panel_factory, services, "hujia_monitor")
    status, _, _ = await monitor.get_bytes(f"/admin/reports/statistics.xlsx?kind=month&period={month}")
    assert status == 403


async def test_dashboard_counts_rates_and_trend_follow_the_lifecycle(accounts: Any, panel_factory: Any,
                                                                     services: Any) -> None:
    import json
    import re

    from handlers.cases import actions
    from handlers.cases.queries import rate

    staff = accounts["nanba_staff"]
    cases = [await file_case(services, f"胡家庄村低保被扣第{i}户", township="610798101", village="610798101201")
             for i in range(4)]
    await file_case(services, "东岭村的事", township="610798102", village="610798102201")
    for c in cases[:3]:
        await actions.accept(c.id, actor_staff=staff, services=services)
    for c in cases[:2]:
        await actions.resolve(c.id, actor_staff=staff, result="已查实并纠正", services=services)
    await rate(cases[0].id, True, "", "reporter", services)
    panel = await signed_in(panel_factory, services, "nanba_staff")
    status, body = await panel.get("/admin/")

    def tile(name: str) -> str:
        return re.search(rf'id="n-{name}">([^<]*)<', body).group(1)  # type: ignore[union-attr]

    assert tile("open") == "2"  # one received, one accepted
    assert tile("resolved") == "2"
    assert tile("completion") == "66.7%"  # 2 of the 3 taken on
    assert tile("satisfaction") == "100.0%"
    charts = json.loads(body.split('id="chart-data">', 1)[1].split("</script>", 1)[0])
    assert charts["trend"]["filed"][-1] == 4 and charts["trend"]["resolved"][-1] == 2
    assert sum(charts["township"]["values"]) == 4  # 东岭's case is not counted for 南坝


async def test_dashboard_cache_is_per_scope_and_fresh_recomputes(accounts: Any, panel_factory: Any,
                                                                 services: Any) -> None:
    import re

    await file_case(services, "胡家庄村低保被扣", township="610798101", village="610798101201")
    nanba = await signed_in(panel_factory, services, "nanba_staff")
    _, body = await nanba.get("/admin/")
    assert re.search(r'id="n-open">1<', body)
    dongling = await signed_in(panel_factory, services, "dongling_staff")
    _, body = await dongling.get("/admin/")
    assert re.search(r'id="n-open">0<', body)  # another scope: not served from 南坝's cache
    await file_case(services, "胡家庄村又一户低保被扣", township="610798101", village="610798101201")
    _, body = await nanba.get("/admin/")
    assert re.search(r'id="n-open">1<', body)  # cached for a moment, and the page says when it counted
    _, body = await nanba.get("/admin/?fresh=1")
    assert re.search(r'id="n-open">2<', body)


async def test_satisfaction_and_resolutions_count_rating_events_not_statuses(accounts: Any, panel_factory: Any,
                                                                             services: Any) -> None:
    """One 不满意 (which reopens the case) and one 满意 are 50 %, not 100 %; a case resolved twice is one
    resolution of the period; the XLSX and the dashboard agree with a count straight from the database."""
    import re

    from handlers.cases import actions
    from handlers.cases.queries import rate
    from storage.models import CaseEvent

    staff = accounts["county_staff"]
    cases = [await file_case(services, f"胡家庄村低保被扣第{i}户", township="610798101", village="610798101201")
             for i in range(4)]
    for c in cases[:3]:
        await actions.accept(c.id, actor_staff=staff, services=services)
        await actions.resolve(c.id, actor_staff=staff, result="已查实并纠正", services=services)
    await rate(cases[0].id, False, "钱没追回", "reporter", services)  # reopened for cross-review
    await actions.resolve(cases[0].id, actor_staff=staff, result="复查后已追回", services=services)  # resolved twice
    await rate(cases[0].id, True, "", "reporter", services)
    await rate(cases[1].id, True, "", "reporter", services)
    await rate(cases[2].id, False, "没人来查", "reporter", services)  # reopened, still open

    ratings = [e.data.get("rating") for e in await CaseEvent.filter(kind="rated")]
    resolved_cases = set(await CaseEvent.filter(kind="resolved").values_list("case_id", flat=True))
    assert len(ratings) == 4 and ratings.count("unsatisfied") == 2
    satisfaction = ratings.count("satisfied") / len(ratings)
    panel = await signed_in(panel_factory, services, "county_staff")
    _, body = await panel.get("/admin/?fresh=1")
    tiles = dict(re.findall(r'id="n-([a-z]+)">([^<]*)<', body))
    assert tiles["satisfaction"] == f"{satisfaction * 100:.1f}%" == "50.0%"
    assert tiles["resolved"] == str(len(resolved_cases)) == "3"
    sheets = await _sheets(panel, f"?kind=month&period={datetime.now(CST).strftime('%Y-%m')}")
    summary = dict(r[:2] for r in sheets["汇总"][1:])
    assert summary["满意率"] == round(satisfaction, 4) and summary["本期办结"] == len(resolved_cases)
    assert summary["评价次数"] == 4 and summary["其中满意"] == 2
