"""Routing after filing: manual reassignment, re-categorising, the county triage queue.

Filing stores the first decision (nlp.route: rule and reason, SPEC "Routing").
Afterwards staff may move a case: every move is an event with its reason and an
audit entry; the new office is notified and the old one is told the case left it
(Case.office is who handles it now, so the old office no longer sees it).

    triage_queue()   county intake desk: rule-5 cases whose township is still unknown
"""
from __future__ import annotations

from typing import TYPE_CHECKING


from handlers.cases.scope import BadInput
from handlers.cases.transitions import record
from nlp.idcard import mask_numbers_in_text
from storage import audit
from storage.models import OPEN_STATUSES, STATUS_NAMES, Case, CaseEvent, Status

if TYPE_CHECKING:
    from bot.services import Services
    from nlp import RegistryIndex


def office_codes(registry: "RegistryIndex") -> dict[str, str]:
    """Every commission a case may go to: code → title."""
    offices = {t.code: t.commission for t in registry.townships.values()}
    offices[registry.county_code] = registry.county_commission
    return offices


def _check_open(case: Case, action: str) -> None:
    if case.status not in OPEN_STATUSES:
        from handlers.cases.actions import WrongStatus

        raise WrongStatus(f"案件 {case.number} 当前为“{STATUS_NAMES.get(case.status, case.status)}”,不能{action}")


async def reassign(case: Case, office: str, reason: str, actor: str, services: "Services") -> Case:
    offices = office_codes(await services.registry())
    if office not in offices:
        raise BadInput(f"没有代码为 {office!r} 的纪委(应为乡镇代码或县代码)")
    if office == case.office:
        raise BadInput(f"案件 {case.number} 已由{offices[office]}办理")
    _check_open(case, "改派")
    old = case.office
    async with audit.transaction() as entries:  # the audit entry exists exactly when the reassignment does
        event = await record(case.id, "reassigned", actor=actor, reason=f"转{offices[office]}办理", public=True,
                             data={"from": old, "to": office, "reason": reason}, updates={"office": office},
                             services=services, conn=entries.conn)
        await entries.append(actor, "case.reassign", case.number or str(case.id),  # numbers typed in are masked
                             {"from": old, "to": office, "reason": mask_numbers_in_text(reason), "event": event.id})
    return await Case.get(id=case.id)


async def recategorise(case: Case, category: str, reason: str, actor: str, services: "Services") -> Case:
    from nlp import CATEGORY_IDS, CATEGORY_NAMES, route

    if category not in CATEGORY_IDS:
        raise BadInput(f"没有类别 {category!r};可选:{', '.join(CATEGORY_IDS)}")
    if category == "other":
        raise BadInput("“其他”不属受理范围:请用不予受理或转办,并写明去向")
    if category == case.category:
        raise BadInput(f"案件 {case.number} 已是“{CATEGORY_NAMES[category]}”")
    _check_open(case, "更正类别")
    office = case.office
    # A case someone already moved by hand stays where they put it.
    if not await CaseEvent.exists(case_id=case.id, kind="reassigned"):
        routed = await CaseEvent.filter(case_id=case.id, kind="routed").first()
        excluded = bool(routed and (routed.data or {}).get("rule") == 6)
        decision = route(category, case.township_id or "", case.village_id or "", case.level,
                         await services.registry(), exclude_township=excluded)
        office = decision.route_to or office
    updates = {"category": category}
    if office != case.office:
        updates["office"] = office
    async with audit.transaction() as entries:
        event = await record(case.id, "recategorised", actor=actor, reason=reason, public=False,
                             data={"from": case.category, "to": category, "office_from": case.office,
                                   "office_to": office}, updates=updates, services=services, conn=entries.conn)
        await entries.append(actor, "case.recategorise", case.number or str(case.id),
                             {"from": case.category, "to": category, "office": office, "event": event.id})
    return await Case.get(id=case.id)


async def triage_queue(registry: "RegistryIndex", limit: int = 200) -> list[Case]:
    """Cases at the county intake desk whose place is unknown: someone must find the township."""
    county = registry.county_code
    return await Case.filter(office=county, township_id=None, status=Status.RECEIVED).order_by("created_at", "id").limit(limit)
