"""Cross-review (交叉复查): a reporter's 不满意 reopens the case at another commission of its zone.

    rated(unsatisfied) ──> investigating at the next commission of the same 协作区, in turn
                           (offices that already handled the case are skipped);
                           no other commission in the zone, or handled by the county ──> county

The turn of each zone is kept in `lifecycle_review_turn`, locked while it moves, so
two reopenings at once never pick the same turn.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from handlers.cases.transitions import apply_transition
from storage.models import Case, CaseEvent, Status
from storage.models.lifecycle import ReviewTurn

if TYPE_CHECKING:
    from bot.services import Services
    from nlp import RegistryIndex


async def _handled_by(case: Case, conn: Any) -> set[str]:
    offices = {case.office, case.route_to}
    for e in await CaseEvent.filter(case_id=case.id, kind__in=["reassigned", "reopened"]).using_db(conn):
        offices.update(v for k, v in (e.data or {}).items() if k in ("from", "to") and v)
    return {o for o in offices if o}


async def choose_reviewer(case: Case, conn: Any, registry: "RegistryIndex") -> str:
    """The commission that reviews `case` next (a township code, or the county code)."""
    township = registry.townships.get(case.office)
    if township is None or not township.zone:
        return str(registry.county_code)
    members = sorted(registry.zones.get(township.zone, ()))
    handled = await _handled_by(case, conn)
    if not [m for m in members if m not in handled]:
        return str(registry.county_code)
    await ReviewTurn.get_or_create(zone=township.zone, using_db=conn)
    turn = await ReviewTurn.select_for_update().using_db(conn).get(zone=township.zone)
    for step in range(len(members)):
        index = (turn.turn + step) % len(members)
        if members[index] not in handled:
            turn.turn = index + 1
            await turn.save(using_db=conn)
            return members[index]
    raise AssertionError("unreachable: a free member was found above")


async def on_transition(case: Case, event: CaseEvent, conn: Any, services: "Services") -> None:
    if event.kind != "rated" or case.rating != "unsatisfied":
        return
    reviewer = await choose_reviewer(case, conn, await services.registry())
    from handlers.cases.queries import office_title

    title = await office_title(reviewer)
    await apply_transition(
        case, Status.INVESTIGATING, conn=conn, actor="system", kind="reopened", public=True,
        reason=f"反映人不满意,由{title}复查", services=services,
        updates={"office": reviewer, "review_round": case.review_round + 1},
        data={"from": case.office, "to": reviewer, "round": case.review_round + 1},
    )
