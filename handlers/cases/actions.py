"""What staff do to a case, as plain async functions (the panel and the staff chat both call these).

Each takes `(case_id, *, actor_staff, ..., services)`, checks the staff's role and
scope (handlers/cases/scope.py), moves the case through `transition()` / `record()`
(an event with who, when, why; notifications in the same transaction), and returns
the case. Refusals raise an `ActionError` whose message says exactly why:

    NotInScope      the case is not in the staff's jurisdiction
    RoleNotAllowed  the role may not do this (monitors only add findings, auditors nothing)
    BadInput        a reason missing, an unknown office or category, a bad number of days
    WrongStatus     the case's status does not allow it (e.g. 办结 before 受理)
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from handlers.cases.scope import FINDERS, HANDLERS, ActionError, BadInput, NotInScope, RoleNotAllowed, require
from handlers.cases.transitions import IllegalTransition, record, transition
from storage.models import OPEN_STATUSES, STATUS_NAMES, Case, Staff, Status

if TYPE_CHECKING:
    from bot.services import Services
    from nlp import RegistryIndex

__all__ = [
    "ActionError", "BadInput", "NotInScope", "RoleNotAllowed", "WrongStatus", "accept", "add_finding", "ask_reporter",
    "assign_monitor", "extend", "merge", "reassign", "recategorise", "refer", "reject", "reply_to_reporter",
    "resolve", "start_investigation", "unlink",
]

MAX_TEXT = 1000
MAX_EXTENSION_DAYS = 30

class WrongStatus(ActionError, ValueError):
    code = "wrong_status"


def actor_of(staff: Staff) -> str:
    return f"staff:{staff.id}"


async def load_case(case_id: int) -> Case:
    case = await Case.get_or_none(id=case_id)
    if case is None:
        raise BadInput(f"没有 id 为 {case_id} 的案件")
    return case


def _text(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise BadInput(f"请填写{what}")
    if len(value) > MAX_TEXT:
        raise BadInput(f"{what}不能超过 {MAX_TEXT} 字")
    return value


async def _move(case: Case, target: Status, action: str, staff: Staff, services: "Services", *,
                reason: str = "", updates: dict[str, Any] | None = None,
                data: dict[str, Any] | None = None) -> Case:
    try:
        moved, _ = await transition(case.id, target, actor=actor_of(staff), reason=reason, services=services,
                                    updates=updates, data=data)
    except IllegalTransition:
        fresh = await Case.get(id=case.id)
        raise WrongStatus(f"案件 {case.number} 当前为“{STATUS_NAMES.get(fresh.status, fresh.status)}”,不能{action}") from None
    return moved


async def accept(case_id: int, *, actor_staff: Staff, services: "Services") -> Case:
    """受理: received → accepted; the resolve deadline starts."""
    case = await load_case(case_id)
    await require(actor_staff, case, "受理", HANDLERS, services)
    return await _move(case, Status.ACCEPTED, "受理", actor_staff, services)


async def refer(case_id: int, *, actor_staff: Staff, reason: str, to: str, services: "Services") -> Case:
    """转办: received → referred to another body (`to`, e.g. 县信访局 or 12345), with a reason the reporter sees."""
    case = await load_case(case_id)
    await require(actor_staff, case, "转办", HANDLERS, services)
    reason, to = _text(reason, "转办原因"), _text(to, "转办去向")
    return await _move(case, Status.REFERRED, "转办", actor_staff, services, reason=reason, data={"to": to})


async def reject(case_id: int, *, actor_staff: Staff, reason: str, services: "Services") -> Case:
    """不予受理: received → rejected, with a reason the reporter sees."""
    case = await load_case(case_id)
    await require(actor_staff, case, "不予受理", HANDLERS, services)
    return await _move(case, Status.REJECTED, "不予受理", actor_staff, services, reason=_text(reason, "不予受理的原因"))


async def start_investigation(case_id: int, *, actor_staff: Staff, services: "Services") -> Case:
    """accepted → investigating."""
    case = await load_case(case_id)
    await require(actor_staff, case, "开始调查", HANDLERS, services)
    return await _move(case, Status.INVESTIGATING, "开始调查", actor_staff, services)


async def add_finding(case_id: int, *, actor_staff: Staff, text: str, services: "Services") -> Case:
    """反馈: a finding (monitors too); internal, never shown to the reporter."""
    case = await load_case(case_id)
    await require(actor_staff, case, "反馈", FINDERS, services)
    if case.status not in OPEN_STATUSES:
        raise WrongStatus(f"案件 {case.number} 当前为“{STATUS_NAMES.get(case.status, case.status)}”,不能再反馈")
    await record(case.id, "finding", actor=actor_of(actor_staff), reason=_text(text, "反馈内容"), public=False,
                 data={"role": str(actor_staff.role)}, services=services)
    return await Case.get(id=case.id)


async def reply_to_reporter(case_id: int, *, actor_staff: Staff, text: str, services: "Services") -> Case:
    """A reply the reporter reads in 查询进度 (and is told of, unless anonymous)."""
    case = await load_case(case_id)
    await require(actor_staff, case, "回复反映人", HANDLERS, services)
    if case.status in (Status.NOT_ACCEPTED,):
        raise WrongStatus(f"案件 {case.number} 不属受理范围,不能回复")
    await record(case.id, "reply", actor=actor_of(actor_staff), reason=_text(text, "回复内容"), public=True,
                 services=services)
    return await Case.get(id=case.id)


async def ask_reporter(case_id: int, *, actor_staff: Staff, text: str, services: "Services") -> Case:
    """A question to the reporter (anonymous ones too: they read it by receipt); the answer lands on the timeline."""
    from handlers.cases.questions import CannotAdd, ask

    case = await load_case(case_id)
    await require(actor_staff, case, "向举报人提问", HANDLERS, services)
    try:
        await ask(case, _text(text, "问题"), actor=actor_of(actor_staff), services=services)
    except CannotAdd:
        raise WrongStatus(f"案件 {case.number} 当前为“{STATUS_NAMES.get(case.status, case.status)}”,不能再向举报人提问") from None
    return await Case.get(id=case.id)


async def resolve(case_id: int, *, actor_staff: Staff, result: str, services: "Services") -> Case:
    """办结: accepted / investigating → resolved, with the result the reporter then rates."""
    case = await load_case(case_id)
    await require(actor_staff, case, "办结", HANDLERS, services)
    result = _text(result, "办理结果")
    return await _move(case, Status.RESOLVED, "办结", actor_staff, services, reason=result, updates={"result": result})


async def extend(case_id: int, *, actor_staff: Staff, reason: str, days: int, services: "Services") -> Case:
    """延期: the current stage's deadline moves `days` working days later; the reporter sees the reason."""
    from handlers.cases.deadlines import calendar

    case = await load_case(case_id)
    await require(actor_staff, case, "延期", HANDLERS, services)
    reason = _text(reason, "延期原因")
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise BadInput(f"延期天数应为 1 到 {MAX_EXTENSION_DAYS} 个工作日")
    field = "accept_due" if case.status == Status.RECEIVED else "resolve_due"
    if case.status not in OPEN_STATUSES or getattr(case, field) is None:
        raise WrongStatus(f"案件 {case.number} 当前为“{STATUS_NAMES.get(case.status, case.status)}”,没有可延长的期限")
    old = getattr(case, field)
    new = (await calendar()).add(old, days)
    await record(case.id, "extended", actor=actor_of(actor_staff), reason=reason, public=True,
                 data={"stage": field[:-4], "days": days, "from": old.isoformat(), "to": new.isoformat()},
                 updates={field: new}, services=services)
    return await Case.get(id=case.id)


async def reassign(case_id: int, *, actor_staff: Staff, office_code: str, reason: str, services: "Services") -> Case:
    """改派: another commission (a township code or the county code) handles the case from now on (audited)."""
    from handlers.cases.routing import reassign as do_reassign

    case = await load_case(case_id)
    await require(actor_staff, case, "改派", HANDLERS, services)
    return await do_reassign(case, office_code.strip(), _text(reason, "改派原因"), actor_of(actor_staff), services)


async def recategorise(case_id: int, *, actor_staff: Staff, category: str, reason: str, services: "Services") -> Case:
    """更正类别: the routing is decided again; a new office is notified and the old one loses the case."""
    from handlers.cases.routing import recategorise as do_recategorise

    case = await load_case(case_id)
    await require(actor_staff, case, "更正类别", HANDLERS, services)
    return await do_recategorise(case, category.strip(), _text(reason, "更正原因"), actor_of(actor_staff), services)


async def assign_monitor(case_id: int, *, actor_staff: Staff, monitor_id: int, services: "Services") -> Case:
    """交办监督员: a monitor of the staff's jurisdiction may then read the case and add findings (never a case
    the county handles: avoidance, elevated supervision, the reporter's exclusion). Handing it twice is a no-op."""
    from handlers.cases.scope import county_code, monitor_could_see
    from storage import audit
    from storage.models import Role
    from storage.models.admin import MonitorAssignment

    case = await load_case(case_id)
    await require(actor_staff, case, "交办监督员", HANDLERS, services)
    monitor = await Staff.get_or_none(id=monitor_id, role=Role.MONITOR, is_active=True)
    county = county_code(await services.registry())
    if monitor is None or not (actor_staff.scope_code == county or monitor.scope_code.startswith(actor_staff.scope_code)):
        raise BadInput("您的管辖范围内没有这名作风监督员。")
    if not await monitor_could_see(monitor, case, county):
        raise WrongStatus(f"案件 {case.number} 由县纪委监委办理（回避、提级监督或举报人要求），不交办作风监督员。")
    # A monitor of the case's own village (of its township while the village is unknown)
    if not (monitor.scope_code == case.village_id if case.village_id
            else bool(case.township_id) and monitor.scope_code.startswith(case.township_id)):
        raise BadInput("这名作风监督员不负责案件所在的村，请交办本村的监督员。")
    _, created = await MonitorAssignment.get_or_create(case_id=case.id, staff_id=monitor.id,
                                                       defaults={"assigned_by": actor_of(actor_staff)})
    if created:
        await record(case.id, "monitor_assigned", actor=actor_of(actor_staff), reason=monitor.display_name or "",
                     data={"monitor": monitor.id})
        await audit.append(actor_of(actor_staff), "case.monitor_assigned", case.number or str(case.id),
                           {"monitor": monitor.id})
    return await Case.get(id=case.id)


async def _case_in_scope(number: str, staff: Staff, registry: "RegistryIndex") -> Case:
    from handlers.cases.numbers import find_case_number
    from handlers.cases.scope import in_scope

    found = find_case_number(number or "")
    target = await Case.get_or_none(number=found) if found else None
    if target is None or not await in_scope(staff, target, registry):  # out of scope reads as not there
        raise BadInput(f"没有编号为 {(number or '').strip()[:24]} 的案件，或它不在您的管辖范围内")
    return target


async def merge(case_id: int, *, actor_staff: Staff, into: str, reason: str, services: "Services") -> Case:
    """手动并案: this case is a duplicate of the case numbered `into` (handlers/cases/linking.merge_into)."""
    from handlers.cases.linking import merge_into

    case = await load_case(case_id)
    await require(actor_staff, case, "合并", HANDLERS, services)
    reason = _text(reason, "合并理由")
    target = await _case_in_scope(into, actor_staff, await services.registry())
    await require(actor_staff, target, "合并", HANDLERS, services)
    return await merge_into(case.id, target.id, actor=actor_of(actor_staff), reason=reason)


async def unlink(case_id: int, *, actor_staff: Staff, reason: str, services: "Services") -> Case:
    """解除关联: a linked report is not a duplicate after all (handlers/cases/linking.unlink)."""
    from handlers.cases.linking import unlink as do_unlink

    case = await load_case(case_id)
    await require(actor_staff, case, "解除关联", HANDLERS, services)
    return await do_unlink(case.id, actor=actor_of(actor_staff), reason=_text(reason, "解除关联的理由"))
