"""The panel's case actions: form fields → the lifecycle's functions (handlers.cases.actions).

The lifecycle checks role, scope and status and writes the events; the panel
only turns a form into arguments and shows the lifecycle's refusal as it is.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from handlers.cases import actions as lifecycle
from handlers.cases.actions import ActionError
from handlers.cases.transitions import LEGAL
from storage.models import OPEN_STATUSES, Case, Role, Staff, Status

if TYPE_CHECKING:
    from bot.services import Services

__all__ = ["ACTIONS", "Action", "ActionError", "available", "perform"]


@dataclass(frozen=True)
class Action:
    name: str  # the lifecycle function
    label: str
    fields: tuple[str, ...]  # form fields passed on, by the lifecycle's parameter names
    target: Status | None = None  # the status it moves to, to offer it only when legal
    monitor_ok: bool = False


ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("accept", "受理", (), Status.ACCEPTED),
    Action("refer", "转办", ("to", "reason"), Status.REFERRED),
    Action("reject", "不予受理", ("reason",), Status.REJECTED),
    Action("start_investigation", "开始调查", (), Status.INVESTIGATING),
    Action("add_finding", "添加调查情况", ("text",), monitor_ok=True),
    Action("reply_to_reporter", "答复举报人", ("text",)),
    Action("ask_reporter", "向举报人提问", ("text",)),
    Action("resolve", "办结", ("result",), Status.RESOLVED),
    Action("extend", "延期", ("days", "reason")),
    Action("reassign", "改派", ("office_code", "reason")),
    Action("recategorise", "更正类别", ("category", "reason")),
    Action("merge", "合并重复件", ("into", "reason")),  # offered when the case is in no cluster yet
    Action("unlink", "解除关联", ("reason",)),  # offered when it is linked to another case
)}
LINKED_ONLY, UNLINKED_ONLY = frozenset({"unlink"}), frozenset({"merge"})


def available(case: Case, staff: Staff) -> list[Action]:
    """What to offer on the case page; the lifecycle still decides when the form is sent."""
    r = Role(staff.role)
    if r is Role.MONITOR:
        return [a for a in ACTIONS.values() if a.monitor_ok and case.status in OPEN_STATUSES]
    if r not in (Role.COUNTY_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF):
        return []
    status = Status(case.status)
    out = []
    for a in ACTIONS.values():
        if a.name in (UNLINKED_ONLY if case.linked_to_id else LINKED_ONLY):
            continue
        if a.target is not None:
            if a.target in LEGAL[status]:
                out.append(a)
        elif status in OPEN_STATUSES or (a.name == "reply_to_reporter" and status is not Status.NOT_ACCEPTED):
            out.append(a)
    return out


async def perform(name: str, case: Case, staff: Staff, form: dict[str, str], services: "Services") -> Case:
    """Run one action; raises ActionError (the lifecycle's, or ours for an unknown action)."""
    action = ACTIONS.get(name)
    if action is None:
        raise lifecycle.BadInput(f"没有「{name}」这个操作")
    kwargs: dict[str, Any] = {f: (form.get(f) or "").strip() for f in action.fields}
    if "days" in kwargs:
        try:
            kwargs["days"] = int(kwargs["days"])
        except ValueError:
            raise lifecycle.BadInput("延期天数应为整数") from None
    fn: Callable[..., Awaitable[Case]] = getattr(lifecycle, action.name)
    return await fn(case.id, actor_staff=staff, services=services, **kwargs)
