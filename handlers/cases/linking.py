"""Linked reports (意见集中): a new report like an open case of the same village and category joins it.

The first open case of a cluster is its root; every later similar report points to
the root (Case.linked_to) and raises the root's priority by one, so the office sees
the cluster together (`cluster()`) and the biggest first. Candidates are the open
cases of the same village, category and office (never across an avoidance); the
text decides (nlp.similarity).
A villager's 附议 of an open case (`support`, the mini-program's /reports/follow) raises it the same way.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from storage.models import OPEN_STATUSES, Case, CaseEvent

if TYPE_CHECKING:
    from bot.services import Services

MAX_CANDIDATES = 200  # one village, one category, still open: far fewer in practice


async def find_similar(case: Case, conn: Any) -> Case | None:
    from nlp import SIMILARITY_THRESHOLD, similarity

    if not case.village_id or case.channel == "compare":
        return None  # comparison clues about different people read alike: they are not one complaint
    # Only cases of the same office: a cluster is handled together and every event and notification of it
    # names its members, so a township case never joins (or learns of) a case routed away from the township.
    candidates = await Case.filter(village_id=case.village_id, category=case.category, status__in=OPEN_STATUSES,
                                   office=case.office, id__lt=case.id).using_db(conn).order_by("-id").limit(MAX_CANDIDATES)
    scored = [(similarity(case.text, c.text), c) for c in candidates]
    scored = [(s, c) for s, c in scored if s >= SIMILARITY_THRESHOLD]
    return max(scored, key=lambda sc: sc[0])[1] if scored else None


async def raise_priority(case_id: int, conn: Any = None) -> None:
    """意见集中, the one rule: each similar report or 附议 raises the case's priority by one."""
    await Case.filter(id=case_id).using_db(conn).update(priority=F("priority") + 1)


async def support(case_id: int, *, channel: str) -> None:
    """A villager's 附议: the priority rises, and the event says so without naming anyone."""
    from handlers.cases.transitions import record

    async with in_transaction() as conn:
        await raise_priority(case_id, conn)
        await record(case_id, "followed", actor="reporter", reason="群众附议", data={"channel": channel}, conn=conn)


async def on_filed(case: Case, conn: Any, services: "Services") -> None:
    match = await find_similar(case, conn)
    if match is None:
        return
    root_id = match.linked_to_id or match.id
    await raise_priority(root_id, conn)
    root = await Case.get(id=root_id, using_db=conn)
    case.linked_to_id = root_id
    case.priority = root.priority
    await case.save(update_fields=["linked_to_id", "priority"], using_db=conn)
    size = root.priority + 1
    await CaseEvent.create(case_id=root_id, actor="system", kind="linked", from_status=root.status,
                           to_status=root.status, reason=f"相似反映 {case.number} 已关联,共 {size} 件",
                           data={"case": case.number, "size": size}, using_db=conn)
    await CaseEvent.create(case=case, actor="system", kind="linked", from_status=case.status, to_status=case.status,
                           reason=f"与 {root.number} 相似,已关联", data={"root": root.number, "size": size}, using_db=conn)


async def cluster(case_id: int) -> list[Case]:
    """The case's cluster: its root first, then the linked reports oldest first."""
    case = await Case.get(id=case_id)
    root_id = case.linked_to_id or case.id
    return [await Case.get(id=root_id), *await Case.filter(linked_to_id=root_id).order_by("id")]


async def link_by_staff(case: Case, other: Case, *, actor: str, reason: str, services: "Services") -> Case:
    """Staff link a report to another (a 续报 naming an earlier case): the later joins the earlier's cluster,
    whose priority rises as for any similar report; both timelines say who linked them and why."""
    from handlers.cases.transitions import record

    first, later = (other, case) if other.id < case.id else (case, other)
    root_id = first.linked_to_id or first.id
    if later.id == root_id or later.linked_to_id == root_id:
        return await Case.get(id=case.id)  # already together
    async with in_transaction() as conn:
        await raise_priority(root_id, conn)
        root = await Case.get(id=root_id, using_db=conn)
        size = root.priority + 1
        await record(root_id, "linked", actor=actor, reason=f"{later.number} 已关联:{reason}",
                     data={"case": later.number, "size": size}, conn=conn, services=services)
        await record(later.id, "linked", actor=actor, reason=f"与 {root.number} 关联:{reason}",
                     data={"root": root.number, "size": size}, updates={"linked_to_id": root_id, "priority": root.priority},
                     conn=conn, services=services)
    return await Case.get(id=case.id)
