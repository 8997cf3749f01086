"""The panel's case actions, delegated to the lifecycle (handlers.cases.actions).

Each action names the lifecycle function it calls; arguments are passed by the
names that function declares, so the panel follows the lifecycle's signatures.
While a lifecycle function is not there, status moves go through
`transition()` and the rest are recorded as events with `record()` — the same
path the lifecycle uses, never a second copy of its rules.
"""
from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from handlers.cases.transitions import IllegalTransition, record, transition
from storage import audit
from storage.models import Case, Role, Staff, Status

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True)
class Action:
    name: str  # the lifecycle function
    label: str
    needs: tuple[str, ...]  # form fields the staff member must fill
    target: Status | None = None  # fallback status move
    monitor_ok: bool = False
    county_only: bool = False


ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("accept", "受理", (), Status.ACCEPTED),
    Action("refer", "转办", ("reason",), Status.REFERRED),
    Action("reject", "不予受理", ("reason",), Status.REJECTED),
    Action("start_investigation", "开始调查", (), Status.INVESTIGATING),
    Action("add_finding", "添加调查情况", ("text",), monitor_ok=True),
    Action("reply_to_reporter", "答复举报人", ("text",)),
    Action("resolve", "办结", ("result",), Status.RESOLVED),
    Action("extend", "延期", ("days", "reason")),
    Action("reassign", "改派", ("office", "reason")),
    Action("recategorise", "更正类别", ("category",)),
)}


class ActionError(ValueError):
    """Refused for a reason the staff member can fix (shown to them as is)."""


def available(case: Case, staff: Staff) -> list[Action]:
    r = Role(staff.role)
    if r is Role.MONITOR:
        return [a for a in ACTIONS.values() if a.monitor_ok]
    if r not in (Role.COUNTY_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF):
        return []
    from handlers.cases.transitions import LEGAL

    legal = LEGAL[Status(case.status)]
    return [a for a in ACTIONS.values() if a.target is None or a.target in legal]


def _lifecycle(name: str) -> Any:
    try:
        return getattr(importlib.import_module("handlers.cases.actions"), name, None)
    except ImportError:
        return None


async def _call(fn: Any, values: dict[str, Any]) -> Any:
    params = inspect.signature(fn).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return await fn(**values)
    kwargs = {k: v for k, v in values.items() if k in params}
    missing = [n for n, p in params.items() if p.default is inspect.Parameter.empty and n not in kwargs
               and p.kind is not inspect.Parameter.VAR_POSITIONAL]
    if missing:
        raise ActionError(f"the lifecycle needs {', '.join(missing)} for this action")
    return await fn(**kwargs)


async def perform(name: str, case: Case, staff: Staff, form: dict[str, str], services: "Services") -> None:
    """Run one action on a case the caller has already scoped to `staff`; raises ActionError."""
    action = ACTIONS.get(name)
    if action is None or action not in available(case, staff):
        raise ActionError("this action is not available for this case or your role")
    vals = {k: (form.get(k) or "").strip() for k in ("reason", "text", "result", "office", "category", "days")}
    for need in action.needs:
        if not vals[need]:
            raise ActionError(f"{need} is required for {action.label}")
    actor = f"staff:{staff.id}"
    values: dict[str, Any] = {"case_id": case.id, "case": case, "actor": actor, "staff": staff,
                              "services": services, **vals}
    values["reason"] = vals["reason"] or vals["result"] or vals["text"]
    if name == "extend":
        try:
            values["days"] = int(vals["days"])
        except ValueError:
            raise ActionError("days must be a whole number") from None
        if not 1 <= values["days"] <= 90:
            raise ActionError("an extension is 1 to 90 days")
    if name == "reassign":
        await _check_office(vals["office"])
        values["to_office"] = values["office"]
    if name == "recategorise":
        from nlp import CATEGORY_IDS

        if vals["category"] not in CATEGORY_IDS:
            raise ActionError(f"unknown category {vals['category']!r}")
    fn = _lifecycle(name)
    try:
        if fn is not None:
            await _call(fn, values)
        else:
            await _fallback(action, case, actor, values, services)
    except IllegalTransition as exc:
        raise ActionError(str(exc)) from None
    if name == "reassign":
        await audit.append(actor, "case.reassign", case.number or str(case.id),
                           {"from": case.office, "to": vals["office"]})


async def _check_office(code: str) -> None:
    from storage.models import County, Township

    if not (await Township.exists(code=code) or await County.exists(code=code)):
        raise ActionError(f"{code!r} is not a township or county code")


async def _fallback(action: Action, case: Case, actor: str, v: dict[str, Any], services: "Services") -> None:
    if action.target is not None:
        updates = {"result": v["result"]} if action.target is Status.RESOLVED else None
        await transition(case.id, action.target, actor=actor, reason=v["reason"], services=services, updates=updates)
        return
    if action.name == "add_finding":
        await record(case.id, "finding", actor=actor, reason=v["text"])
    elif action.name == "reply_to_reporter":
        await record(case.id, "reply", actor=actor, reason=v["text"], public=True)
    elif action.name == "extend":
        due = (case.resolve_due or date.today()) + timedelta(days=v["days"])
        await Case.filter(id=case.id).update(resolve_due=due)
        await record(case.id, "extended", actor=actor, reason=v["reason"], data={"resolve_due": due.isoformat()})
    elif action.name == "reassign":
        await Case.filter(id=case.id).update(office=v["office"])
        await record(case.id, "reassigned", actor=actor, reason=v["reason"],
                     data={"from": case.office, "to": v["office"]})
    elif action.name == "recategorise":
        await Case.filter(id=case.id).update(category=v["category"])
        await record(case.id, "recategorised", actor=actor, reason=v["reason"],
                     data={"from": case.category, "to": v["category"]})
