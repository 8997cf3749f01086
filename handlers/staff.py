"""Staff and monitors at work in chat (WeChat or WeCom), by case number, only within their scope.

    绑定 123456                      bind this WeChat/WeCom identity to the staff account of the code
    受理 QF2026000001                accept
    不予受理 QF… 原因                 reject, with the reason the reporter sees
    转办 QF… 去向 [原因]              another commission (by name or code): reassign; anything else: refer
    反馈 QF… 内容                     a finding (monitors too)
    办结 QF… 结果                     resolve
    延期 QF… [N天] 原因               extend the current deadline by N working days (default 5)
    待办                              the open cases in my scope, most urgent first
    查看 QF…                          one case: status, category, place, office, deadline, last events
    帮助 (from a bound account)       the staff menu (handlers.help asks `staff_help`), not the villager's

Refusals say why (not bound, not in scope, role, status). Replies never name the reporter, nor
say whether the report was 实名. The commands, their usage and what they do are the table
COMMANDS at the foot: the help text and docs/STAFF_CHAT.md follow it (a test compares them);
the FLOW table below it routes them.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.dispatch import Flow, Inbound, Keyword, Regex, Reply, in_state, on_text, private_chat
from bot.dispatch.dispatcher import Sender
from bot.services import Services
from handlers.cases import actions
from handlers.cases.actions import ActionError
from handlers.cases.binding import BindingRefused, bind
from handlers.cases.scope import in_scope
from storage.china_time import local_time
from storage.models import EVENT_NAMES, OPEN_STATUSES, STATUS_NAMES, Case, CaseEvent, Role, Staff

if TYPE_CHECKING:
    from nlp import RegistryIndex

COMMAND = re.compile(r"(?si)^\s*(不予受理|受理|转办|反馈|办结|延期)\s*[::]?\s*(QF\d{10})\s*[,,::;;]?\s*(.*)$")
BIND = re.compile(r"^\s*绑定\s*[::]?\s*(\d{6})\s*$")
DAYS = re.compile(r"^(\d{1,2})\s*个?\s*(?:工作日|天)\s*[,,::;;]?\s*(.*)$", re.S)
VIEW = re.compile(r"(?i)^\s*(?:查看|查看案件|案件)\s*[::]?\s*(QF\d{10})\s*$")
DEFAULT_EXTENSION = 5
LAST_EVENTS = 5
# Events whose reason speaks of the reporter (实名/匿名, a reveal, their own words): shown without it.
QUIET_EVENTS = frozenset({"filed", "identity_revealed", "rated", "followed", "reply"})

NOT_BOUND = "只有绑定了工作人员账号的微信才能办理案件。请在工作台获取绑定码,然后发送【绑定 六位数字】。"
NO_CASE = "没有找到案件 {number},请核对编号。"
USAGE = {
    "不予受理": "请写明原因,例如:不予受理 {n} 不属于纪检监察受理范围",
    "转办": "请写明去向,例如:转办 {n} 东岭镇纪委 被反映人在东岭镇任职",
    "反馈": "请写明反馈内容,例如:反馈 {n} 已走访核实低保名单",
    "办结": "请写明办理结果,例如:办结 {n} 经核实已追回违规资金",
    "延期": "请写明原因,例如:延期 {n} 5天 需调取银行流水",
}


async def bind_account(msg: Inbound, user: Sender, services: Services, match: re.Match[str]) -> Reply:
    try:
        staff = await bind(match.group(1), msg.channel, msg.sender, user.subject, services)
    except BindingRefused as err:
        return Reply.text(str(err))
    return Reply.text(f"绑定成功:{staff.display_name or staff.username}。辖区内的新案件会推送到这里,"
                      "回复【待办】查看待办案件。")


async def todo(user: Sender, registry: "RegistryIndex") -> Reply:
    staff = await user.staff()
    if staff is None:
        return Reply.text(NOT_BOUND)
    cases = await _open_in_scope(staff, registry)
    if not cases:
        return Reply.text("目前没有待办案件。")
    lines = [f"{c.number} {STATUS_NAMES.get(c.status, c.status)} 期限 {_due(c)}" + (" 督办" if c.overdue_level else "")
             for c in cases[:10]]
    more = f"\n另有 {len(cases) - 10} 件,请登录工作台查看。" if len(cases) > 10 else ""
    return Reply.text("待办案件(最紧急的在前):\n" + "\n".join(lines) + more)


async def view(user: Sender, registry: "RegistryIndex", match: re.Match[str]) -> Reply:
    staff = await user.staff()
    if staff is None:
        return Reply.text(NOT_BOUND + "\n查询您反映的问题,请回复【查询进度 编号】。")
    number = match.group(1).upper()
    case = await Case.get_or_none(number=number)
    if case is None:
        return Reply.text(NO_CASE.format(number=number))
    if not await in_scope(staff, case, registry):
        return Reply.text(f"案件 {number} 不在您的管辖范围内,不能查看。")
    return Reply.text(await case_text(case, staff, registry))


async def case_text(case: Case, staff: Staff, registry: "RegistryIndex") -> str:
    """What a staff member reads of a case in chat: no reporter, no report text (it may name people)."""
    from handlers.cases.notify import summary
    from handlers.cases.queries import office_title

    number, category, place, due = summary(case, registry)
    stage = "受理" if case.status == "received" else "办结"
    lines = [f"案件 {number}", f"状态:{STATUS_NAMES.get(case.status, case.status)}", f"类别:{category}",
             f"地点:{place}", f"承办:{await office_title(case.office)}"]
    if case.status in OPEN_STATUSES:
        lines.append(f"{stage}期限:{due}" + (" (已督办)" if case.overdue_level else ""))
    events = await CaseEvent.filter(case_id=case.id).order_by("-at", "-id").limit(LAST_EVENTS + 1)
    if Role(staff.role) == Role.MONITOR:
        events = [e for e in events if e.kind != "identity_revealed"]
    lines.append("最近动态:")
    for e in reversed(events[:LAST_EVENTS]):
        why = "" if e.kind in QUIET_EVENTS or not e.reason else f" {e.reason[:40]}"
        lines.append(f"{local_time(e.at).strftime('%m-%d %H:%M')} {EVENT_NAMES.get(e.kind, e.kind)}{why}")
    return "\n".join(lines)


async def command(user: Sender, services: Services, match: re.Match[str]) -> Reply:
    verb, number, rest = match.group(1), match.group(2).upper(), match.group(3).strip()
    staff = await user.staff()
    if staff is None:
        return Reply.text(NOT_BOUND)
    case = await Case.get_or_none(number=number)
    if case is None:
        return Reply.text(NO_CASE.format(number=number))
    if verb in USAGE and not rest:
        return Reply.text(USAGE[verb].format(n=number))
    try:
        return Reply.text(await _run(verb, case, rest, staff, services))
    except ActionError as err:
        return Reply.text(err.message)


async def _run(verb: str, case: Case, rest: str, staff: Staff, services: Services) -> str:
    kw = {"actor_staff": staff, "services": services}
    if verb == "受理":
        done = await actions.accept(case.id, **kw)
        return f"已受理 {done.number},办结期限 {_due(done)}。"
    if verb == "不予受理":
        await actions.reject(case.id, reason=rest, **kw)
        return f"{case.number} 已不予受理,原因已告知反映人。"
    if verb == "转办":
        target, _, why = rest.partition(" ")
        office = _office(target, await services.registry())
        if office:
            done = await actions.reassign(case.id, office_code=office, reason=why.strip() or f"转{target}办理", **kw)
            return f"{done.number} 已改派{target},原单位不再办理。"
        await actions.refer(case.id, to=target, reason=why.strip() or f"转{target}办理", **kw)
        return f"{case.number} 已转办{target}。"
    if verb == "反馈":
        await actions.add_finding(case.id, text=rest, **kw)
        return f"已记录对 {case.number} 的反馈。"
    if verb == "办结":
        await actions.resolve(case.id, result=rest, **kw)
        return f"{case.number} 已办结,已请反映人评价。"
    m = DAYS.match(rest)
    days, why = (int(m.group(1)), m.group(2).strip()) if m else (DEFAULT_EXTENSION, rest)
    if not why:
        return USAGE["延期"].format(n=case.number)
    done = await actions.extend(case.id, reason=why, days=days, **kw)
    return f"{done.number} 已延期 {days} 个工作日,新期限 {_due(done)}。"


def _office(name: str, registry: "RegistryIndex") -> str:
    """A commission named by code, township name or commission title; "" if it is none."""
    name = name.strip()
    if name in (registry.county_code, registry.county_commission, "县纪委", "县纪委监委"):
        return str(registry.county_code)
    for t in registry.townships.values():
        if name in (t.code, t.name, t.commission, *t.aliases):
            return str(t.code)
    return ""


def _due(case: Case) -> str:
    due = case.accept_due if case.status == "received" else case.resolve_due
    return due.isoformat() if due else "—"


async def _open_in_scope(staff: Staff, registry: "RegistryIndex") -> list[Case]:

    q = Case.filter(status__in=OPEN_STATUSES)
    if Role(staff.role) == Role.TOWNSHIP_STAFF:
        q = q.filter(office=staff.scope_code)
    elif Role(staff.role) == Role.MONITOR:
        q = q.filter(village_id=staff.scope_code)
    cases = [c for c in await q.order_by("-overdue_level", "accept_due", "resolve_due", "id").limit(200)
             if await in_scope(staff, c, registry)]
    return sorted(cases, key=lambda c: (-c.overdue_level, -c.priority, _due(c)))


# --- the commands, the one definition the help text and docs/STAFF_CHAT.md follow ----------------

COMMANDS: tuple[tuple[str, str, str], ...] = (  # verb, how to write it, what it does
    ("待办", "待办", "辖区内在办的案件,最紧急的在前"),
    ("查看", "查看 编号", "案件的状态、类别、地点、期限和最近动态"),
    ("受理", "受理 编号", "受理案件,开始计算办结期限"),
    ("不予受理", "不予受理 编号 原因", "不予受理,原因会告知反映人"),
    ("转办", "转办 编号 去向 [原因]", "去向是乡镇纪委或县纪委时改派给它,否则转其他部门办理"),
    ("反馈", "反馈 编号 内容", "记录调查情况(监督员也可以用)"),
    ("办结", "办结 编号 结果", "办结案件,请反映人评价"),
    ("延期", "延期 编号 [N天] 原因", f"把当前期限延长 N 个工作日(不写为 {DEFAULT_EXTENSION} 个)"),
    ("绑定", "绑定 六位数字", "把本微信绑定到工作台账号(绑定码在工作台获取)"),
)


def staff_help() -> str:
    lines = ["清风 · 工作人员指令(编号形如 QF2026000001):"]
    lines += [f"【{usage}】{what}" for _, usage, what in COMMANDS]
    lines.append("只能办理辖区内的案件;回复内容不会显示举报人身份。")
    return "\n".join(lines)


FLOW = Flow(
    "staff",
    entry_points=[  # the commands work outside a villager's flow only (in_state(None)); 绑定 at any step
        on_text(bind_account, private_chat, Regex(BIND.pattern)),
        on_text(todo, private_chat, in_state(None), Keyword("待办", "我的待办", "待办案件")),
        on_text(view, private_chat, in_state(None), Regex(VIEW.pattern)),
        on_text(command, private_chat, in_state(None), Regex(COMMAND.pattern)),
    ],
    states={},
    fallbacks=[],
    exits=(),
    timeout=None,
)
staff_router = FLOW.router()
