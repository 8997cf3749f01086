"""Staff in chat: 帮助 gives the staff menu, the menu and docs/STAFF_CHAT.md list the same commands, 查看 reads a case."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.fake_wechat import fake_openid
from handlers.help import HELP_TEXT
from handlers.staff import COMMANDS
from tests.handlers.cases.conftest import REPORTER_NAME, REPORTER_OPENID, REPORTER_PHONE, World
from tests.handlers.cases.test_lifecycle_staff_chat import chat  # noqa: F401  (fixture)

DOC = Path(__file__).resolve().parents[3] / "docs" / "STAFF_CHAT.md"


async def test_help_from_a_bound_staff_member_shows_the_staff_menu(world: World, chat: Any) -> None:
    reply = await chat("nanba", "帮助")
    assert "工作人员指令" in reply and "【举报】" not in reply
    for verb in ("受理", "办结", "反馈", "延期", "转办", "查看", "待办"):
        assert f"【{verb} " in reply or f"【{verb}】" in reply, verb
    assert await chat(fake_openid("a-villager"), "帮助") == HELP_TEXT


def test_staff_commands_are_documented_in_docs_and_readme() -> None:
    doc = DOC.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\S+) \| `([^`]+)` \| (.+?) \|$", doc, re.M)
    assert [(v, u) for v, u, _ in rows] == [(v, u) for v, u, _ in COMMANDS]
    readme = (DOC.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "docs/STAFF_CHAT.md" in readme


async def test_staff_reads_a_case_in_chat_without_the_reporter(world: World, chat: Any) -> None:
    case = await world.file()  # 实名: the reporter's openid, name and phone are on file
    n = case.number
    await chat("nanba", f"受理 {n}")
    await chat("nanba", f"延期 {n} 3天 需调取银行流水")
    reply = await chat("nanba", f"查看 {n}")
    assert f"案件 {n}" in reply and "状态:已受理" in reply and "惠民惠农资金问题" in reply
    assert "胡家庄村" in reply and "南坝镇纪委" in reply
    assert f"办结期限:{(await type(case).get(id=case.id)).resolve_due.isoformat()}" in reply
    assert "受理" in reply and "延期 需调取银行流水" in reply
    for secret in (REPORTER_OPENID, REPORTER_NAME, REPORTER_PHONE, "实名", case.text):
        assert secret not in reply
    monitor = await chat("monitor", f"查看 {n}")
    assert f"案件 {n}" in monitor and "实名" not in monitor


@pytest.mark.parametrize("who", ["beihe", "auditor"])
async def test_staff_cannot_read_a_case_outside_their_scope(world: World, chat: Any, who: str) -> None:
    case = await world.file()
    reply = await chat(who, f"查看 {case.number}")
    assert "不在您的管辖范围内" in reply and "惠民惠农" not in reply


async def test_a_villager_typing_view_is_pointed_to_progress(world: World, chat: Any) -> None:
    case = await world.file()
    reply = await chat(fake_openid("a-villager"), f"查看 {case.number}")
    assert "查询进度" in reply and "惠民惠农" not in reply


async def test_staff_bound_in_wecom_get_the_staff_menu_and_read_a_case(world: World, app_server: Any, settings: Any,
                                                                       http: Any) -> None:
    from bot.wechat_sim import WeChatServerSim

    from tests.handlers.cases.conftest import DONGLING, DONGLING_V

    case = await world.file(township=DONGLING, village=DONGLING_V)
    sim = WeChatServerSim(str(app_server.make_url("")).rstrip("/"), settings.wecom_token, settings.wecom_aes_key,
                          settings.wecom_corpid, channel="work")
    sim.clock = world.clock
    help_reply = await sim.send(http, world.ids["dongling"], "帮助")
    assert "工作人员指令" in "\n".join(help_reply.texts)
    view = "\n".join((await sim.send(http, world.ids["dongling"], f"查看 {case.number}")).texts)
    assert f"案件 {case.number}" in view and "东岭镇东岭村" in view and REPORTER_NAME not in view
