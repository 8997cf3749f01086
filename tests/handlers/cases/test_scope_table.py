"""The jurisdiction table (handlers/cases/scope.py): the panel's query and the chat's predicate agree for every
role, and a monitor never reaches a case routed to the county (issue 20 item 4), through the real chat."""
from __future__ import annotations

from typing import Any

import pytest

from admin.scope import cases_for
from handlers.cases.scope import SCOPE, in_scope
from storage.models import Case, CaseEvent, Role, Staff
from storage.models.admin import MonitorAssignment
from tests.handlers.cases.conftest import COUNTY, DONGLING, DONGLING_V, HUJIA, NANBA, SHIQIAO_ELEVATED, World

AVOIDED = "南坝镇副镇长收了胡家庄村的好处费"  # accuses a township official: 回避, the county handles it
EXCLUDED = "胡家庄村会计克扣低保,不要转给镇上,镇上和他是一伙的"


@pytest.fixture
async def cases(world: World) -> dict[str, Case]:
    """One case for every way a case reaches (or avoids) an office."""
    made = {
        "township": await world.file(),  # 胡家庄 → 南坝镇纪委
        "avoided": await world.file(AVOIDED, level="township"),
        "excluded": await world.file(EXCLUDED, exclude=True),
        "elevated": await world.file("石桥村书记虚报低保", village=SHIQIAO_ELEVATED),
        "other_township": await world.file("东岭村主任虚报危房改造补助", township=DONGLING, village=DONGLING_V),
        "not_accepted": await world.file("我家自来水停了三天", category="other"),
    }
    assert {k: c.office for k, c in made.items()} == {
        "township": NANBA, "avoided": COUNTY, "excluded": COUNTY, "elevated": COUNTY, "other_township": DONGLING,
        "not_accepted": ""}
    return made


@pytest.fixture
async def everyone(world: World, cases: dict[str, Case]) -> dict[str, Staff]:
    """The world's staff, plus every edge of the table: an inactive account, a county role scoped to a township,
    a monitor of the elevated village, a monitor handed a township case and a county case."""
    await world.add_staff("county_admin", Role.COUNTY_ADMIN, COUNTY)
    await world.add_staff("misfiled_county", Role.COUNTY_STAFF, NANBA)
    await world.add_staff("shiqiao_monitor", Role.MONITOR, SHIQIAO_ELEVATED)
    gone = await world.add_staff("gone", Role.TOWNSHIP_STAFF, NANBA)
    gone.is_active = False
    await gone.save()
    handed = await world.add_staff("handed_monitor", Role.MONITOR, DONGLING_V)
    for case in (cases["township"], cases["avoided"]):
        await MonitorAssignment.create(case_id=case.id, staff_id=handed.id, assigned_by="test")
    return world.staff


async def test_panel_query_and_chat_predicate_agree_for_every_role(world: World, cases: dict[str, Case],
                                                                   everyone: dict[str, Staff]) -> None:
    assert {Role(s.role) for s in everyone.values()} == set(SCOPE)  # every role of the table is exercised
    every = await Case.all()
    registry = await world.services.registry()
    for name, staff in everyone.items():
        queried = set(await cases_for(staff, COUNTY).values_list("id", flat=True))
        checked = {c.id for c in every if await in_scope(staff, c, registry)}
        assert queried == checked, name


async def test_each_role_sees_what_the_table_says(cases: dict[str, Case], everyone: dict[str, Staff]) -> None:
    async def seen(username: str) -> set[str]:
        ids = set(await cases_for(everyone[username], COUNTY).values_list("id", flat=True))
        return {k for k, c in cases.items() if c.id in ids}

    assert await seen("county") == await seen("county_admin") == set(cases)
    assert await seen("nanba") == {"township"}
    assert await seen("dongling") == {"other_township"}
    assert await seen("monitor") == {"township"}  # 胡家庄: not the avoided, excluded or unaccepted report
    assert await seen("shiqiao_monitor") == set()  # an elevated village's cases are the county's
    assert await seen("handed_monitor") == {"township", "other_township"}  # handed the avoided case: still not
    assert await seen("auditor") == await seen("gone") == await seen("misfiled_county") == set()


@pytest.fixture
def chat(world: World, wechat: Any, http: Any) -> Any:
    wechat.clock = world.clock

    async def say(who: str, text: str) -> str:
        r = await wechat.send(http, world.ids.get(who, who), text)
        assert r.status == 200
        return "\n".join(r.texts)

    return say


async def test_monitor_cannot_open_avoided_case(world: World, cases: dict[str, Case], chat: Any) -> None:
    avoided = cases["avoided"]
    reply = await chat("monitor", f"反馈 {avoided.number} 我去问过了,没这回事")
    assert "不在您的管辖范围内" in reply
    assert not await CaseEvent.filter(case_id=avoided.id, kind="finding").exists()
    todo = await chat("monitor", "待办")
    assert cases["township"].number in todo and avoided.number not in todo


async def test_monitor_cannot_add_a_finding_to_an_excluded_or_elevated_case(world: World, cases: dict[str, Case],
                                                                            everyone: dict[str, Staff],
                                                                            chat: Any) -> None:
    for who, case in (("monitor", cases["excluded"]), ("shiqiao_monitor", cases["elevated"]),
                      ("handed_monitor", cases["avoided"])):
        assert "不在您的管辖范围内" in await chat(who, f"反馈 {case.number} 已核实"), who
        assert case.number not in await chat(who, "待办"), who
    assert not await CaseEvent.filter(kind="finding").exists()
    # the township's own case of the monitor's village still works
    assert "已记录" in await chat("monitor", f"反馈 {cases['township'].number} 已走访核实")
