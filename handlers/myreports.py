"""我的举报: a 实名 reporter's own cases, newest first (found by filing.reporter_subject).

    我的举报 | menu MYREPORTS --> list (number, category, status) --> 查询进度 QF… for one case
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.dispatch import Flow, Inbound, Keyword, Reply, on_click, on_text
from handlers.cases.queries import STATUS_TEXT, list_for_reporter
from handlers.cases.questions import open_questions
from handlers import vocabulary
from nlp import CATEGORY_NAMES
from storage.china_time import local_time

if TYPE_CHECKING:
    from storage.crypto import PersonalDataCipher

SHOWN = 10
NONE = "您还没有实名提交过举报。匿名举报不保存身份,请回复【查询进度】并发送回执码查看。"


async def my_reports(msg: Inbound, cipher: "PersonalDataCipher") -> Reply:
    return await _list(msg, cipher)


async def my_reports_click(msg: Inbound, cipher: "PersonalDataCipher") -> Reply:
    return await _list(msg, cipher)


async def _list(msg: Inbound, cipher: "PersonalDataCipher") -> Reply:
    cases = await list_for_reporter(msg.channel, msg.sender, cipher)
    if not cases:
        return Reply.text(NONE)
    lines = [f"您实名提交的举报({len(cases)}件):"]
    for case in cases[:SHOWN]:
        day = local_time(case.created_at).strftime("%m月%d日") if case.created_at else ""
        waiting = "(办理单位有问题等您回答)" if await open_questions(case) else ""
        lines.append(f"{case.number} {day} {CATEGORY_NAMES.get(case.category, case.category)}:"
                     f"{STATUS_TEXT.get(case.status, case.status)}{waiting}")
    if len(cases) > SHOWN:
        lines.append(f"(只显示最近{SHOWN}件)")
    lines.append("查看某一件的进展,请回复【查询进度】加案件编号,例如:查询进度 " + (cases[0].number or ""))
    return Reply.text("\n".join(lines))


FLOW = Flow(
    "myreports",
    entry_points=[on_text(my_reports, Keyword(*vocabulary.MY_REPORTS)), on_click("MYREPORTS", my_reports_click)],
    states={},
    fallbacks=[],
    exits=(),
    timeout=None,
)
myreports_router = FLOW.router()
