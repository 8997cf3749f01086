"""Staff and monitors in chat (through /wechat/mp as WeChat sends it): binding, commands, scope."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.fake_wechat import fake_openid
from handlers.cases.binding import issue_binding_code
from storage.models import Case, CaseEvent, Role, Staff, StaffBinding
from tests.handlers.cases.conftest import BEIHE, DONGLING, World

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def chat(world: World, wechat: Any, http: Any) -> Any:
    wechat.clock = world.clock

    async def say(who: str, text: str) -> str:
        sender = world.ids.get(who, who)
        r = await wechat.send(http, sender, text)
        assert r.status == 200
        return "\n".join(r.texts)

    return say


async def test_staff_move_a_case_through_its_life_in_chat(world: World, chat: Any) -> None:
    case = await world.file()
    n = case.number
    assert n and "已受理" in await chat("nanba", f"受理 {n}")
    assert "请写明原因" in await chat("nanba", f"延期 {n}")
    reply = await chat("nanba", f"延期 {n} 3天 需调取银行流水")
    fresh = await Case.get(id=case.id)
    assert "已延期 3 个工作日" in reply and fresh.resolve_due.isoformat() in reply
    assert "已记录" in await chat("monitor", f"反馈 {n} 已走访三户,情况属实")
    assert "请写明办理结果" in await chat("nanba", f"办结 {n}")
    assert "已办结" in await chat("nanba", f"办结 {n} 追回被扣低保金1200元")
    fresh = await Case.get(id=case.id)
    assert fresh.status == "resolved" and fresh.result == "追回被扣低保金1200元"
    kinds = [(e.kind, e.actor) for e in await CaseEvent.filter(case_id=case.id).order_by("id")][2:]
    nanba, monitor = f"staff:{world.staff['nanba'].id}", f"staff:{world.staff['monitor'].id}"
    assert kinds == [("accepted", nanba), ("extended", nanba), ("finding", monitor), ("resolved", nanba)]


async def test_commands_outside_the_scope_or_role_are_refused(world: World, chat: Any) -> None:
    case = await world.file()
    n = case.number
    assert "不在您的管辖范围内" in await chat("beihe", f"受理 {n}")
    assert "监督员不能受理" in await chat("monitor", f"受理 {n}")
    assert "审计员不能办结" in await chat("auditor", f"办结 {n} 已处理")
    villager = fake_openid("just-a-villager")
    assert "绑定" in await chat(villager, f"受理 {n}")
    assert "没有找到案件" in await chat("nanba", "受理 QF2026999999")
    assert (await Case.get(id=case.id)).status == "received"
    assert await CaseEvent.filter(case_id=case.id).count() == 2  # filed, routed: nothing else happened


async def test_reject_and_the_two_kinds_of_transfer(world: World, chat: Any) -> None:
    a, b, c = await world.file(), await world.file(text="胡家庄村主任吃拿卡要"), await world.file(text="胡家庄村文书收红包")
    assert "请写明原因" in await chat("nanba", f"不予受理 {a.number}")
    assert "已不予受理" in await chat("nanba", f"不予受理 {a.number} 已由上级立案")
    assert "已改派东岭镇纪委" in await chat("nanba", f"转办 {b.number} 东岭镇纪委 被反映人现在东岭镇任职")
    assert "已转办县信访局" in await chat("nanba", f"转办 {c.number} 县信访局 属信访事项")
    assert (await Case.get(id=a.id)).status == "rejected"
    moved = await Case.get(id=b.id)
    assert moved.office == DONGLING and moved.status == "received"
    assert (await Case.get(id=c.id)).status == "referred"
    assert "不在您的管辖范围内" in await chat("nanba", f"受理 {b.number}"), "the case left 南坝"


async def test_todo_lists_the_open_cases_in_scope_most_urgent_first(world: World, chat: Any) -> None:
    mine = await world.file()
    urgent = await world.file(text="胡家庄村会计截留危房改造补助")
    await Case.filter(id=urgent.id).update(overdue_level=1)
    await world.file(township=BEIHE, village="610798103201", text="北河村会计克扣补贴")
    reply = await chat("nanba", "待办")
    lines = reply.splitlines()[1:]
    assert len(lines) == 2 and urgent.number in lines[0] and "督办" in lines[0] and mine.number in lines[1]


async def test_binding_with_a_one_time_code(world: World, chat: Any) -> None:
    staff = await Staff.create(username="xiaoli", display_name="小李", role=Role.TOWNSHIP_STAFF, scope_code=BEIHE)
    phone = fake_openid("xiaoli-phone")
    code = await issue_binding_code(staff.id, world.services.redis)
    assert "绑定成功" in await chat(phone, f"绑定 {code}")
    binding = await StaffBinding.get(staff_id=staff.id)
    assert binding.channel == "mp" and phone not in binding.subject_hash + binding.external_enc
    assert world.services.cipher.open(binding.external_enc) == phone
    assert "不正确或已过期" in await chat(fake_openid("someone-else"), f"绑定 {code}"), "a code works once"
    case = await world.file(township=BEIHE, village="610798103201", text="北河村会计克扣补贴")
    assert "已受理" in await chat(phone, f"受理 {case.number}")


async def test_guessing_binding_codes_is_stopped(world: World, chat: Any) -> None:
    staff = await Staff.create(username="guessed", role=Role.COUNTY_STAFF, scope_code="610798")
    code = await issue_binding_code(staff.id, world.services.redis)
    guesser = fake_openid("guesser")
    wrong = [f"{(int(code) + i) % 10**6:06d}" for i in range(1, 6)]
    for guess in wrong:
        assert "不正确" in await chat(guesser, f"绑定 {guess}")
    assert "太多" in await chat(guesser, f"绑定 {code}")
    assert not await StaffBinding.exists(staff_id=staff.id)


async def test_cli_prints_a_code_that_binds(world: World, chat: Any, settings: Any, redis_url: str) -> None:
    await Staff.create(username="wang", role=Role.TOWNSHIP_STAFF, scope_code=BEIHE)
    env = {**os.environ, "DATABASE_URL": settings.database_url or settings.db_url, "REDIS_URL": redis_url,
           "QINGFENG_VAR": str(settings.var_dir)}
    out = subprocess.run([sys.executable, "-m", "bot.cli", "staff", "bind-code", "wang"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    code = out.stdout.split()[0]
    assert len(code) == 6 and code.isdigit()
    assert "绑定成功" in await chat(fake_openid("wang-phone"), f"绑定 {code}")
    missing = subprocess.run([sys.executable, "-m", "bot.cli", "staff", "bind-code", "nobody"], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "nobody" in missing.stderr
