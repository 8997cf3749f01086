"""The worklist (工作清单): my overdue, due this week, waiting for the reporter, new since yesterday — its counts in
the header of every page, within the clerk's jurisdiction, moving as the clerk works."""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Iterator

import pytest

from storage.china_time import CHINA_TZ
from tests.admin.conftest import file_case, signed_in


def header(body: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'id="wl-(\w+)">(\d+)<', body)}


def section(body: str, key: str) -> str:
    m = re.search(rf'<section class="card" id="{key}">.*?</section>', body, re.S)
    assert m, key
    return m.group(0)


@pytest.fixture
def on_day(services: Any) -> Iterator[Any]:
    saved = services.clock

    def set_day(day: date) -> None:
        services.clock = lambda: datetime(day.year, day.month, day.day, 10, tzinfo=CHINA_TZ).timestamp()

    yield set_day
    services.clock = saved


async def test_worklist_counts_in_every_header_and_move_as_the_clerk_works(accounts: Any, panel_factory: Any,
                                                                           services: Any, on_day: Any) -> None:
    on_day(date(2026, 11, 23))  # a Monday: each accept deadline is Thursday 11-26
    cases = [await file_case(services, f"胡家庄村会计扣了低保第{i}户", township="610798101", village="610798101201")
             for i in range(3)]
    await file_case(services, "东岭村主任优亲厚友", township="610798102", category="favoritism")  # not Nanba's
    on_day(date(2026, 11, 24))
    nanba = await signed_in(panel_factory, services, "nanba_staff")
    for page in ("/admin/", "/admin/cases", "/admin/findings", f"/admin/cases/{cases[0].id}"):
        status, body = await nanba.get(page)
        assert status == 200 and header(body) == {"overdue": 0, "week": 3, "waiting": 0, "new": 3}, page

    # a question to the reporter: waiting for them until they answer
    status, body = await nanba.post(f"/admin/cases/{cases[0].id}/action",
                                    {"action": "ask_reporter", "text": "请问被扣的是哪几个月的低保?"})
    assert status == 200 and header(body)["waiting"] == 1
    status, body = await nanba.get("/admin/worklist")
    assert cases[0].number in section(body, "waiting") and cases[1].number not in section(body, "waiting")
    assert all(c.number in section(body, "week") for c in cases)

    on_day(date(2026, 11, 30))  # the next Monday: all three are past their accept deadline
    await nanba.post(f"/admin/cases/{cases[1].id}/action", {"action": "accept"})  # a fresh 30-day deadline
    status, body = await nanba.get("/admin/worklist")
    assert header(body)["overdue"] == 2 and header(body)["week"] == 0
    overdue = section(body, "overdue")
    assert cases[0].number in overdue and cases[2].number in overdue and cases[1].number not in overdue

    dongling = await signed_in(panel_factory, services, "dongling_staff")
    status, body = await dongling.get("/admin/worklist")
    assert header(body)["overdue"] == 1 and not any(c.number in body for c in cases)
    county = await signed_in(panel_factory, services, "county_staff")
    assert header((await county.get("/admin/"))[1])["overdue"] == 3  # the county sees every township's


async def test_auditor_has_no_worklist(accounts: Any, panel_factory: Any, services: Any) -> None:
    auditor = await signed_in(panel_factory, services, "auditor")
    status, body = await auditor.get("/admin/audit")
    assert status == 200 and 'id="worklist"' not in body
    assert (await auditor.get("/admin/worklist"))[0] == 403
