"""The case lifecycle (SPEC): which status may follow which, and the one function that moves a case.

    received ─┬─> accepted ──> investigating ──> resolved ──> rated
              ├─> referred                                   │
              └─> rejected(reason)        unsatisfied: rated ─┘─> investigating (cross-review)

Every move writes a CaseEvent (who, when, why) in the same transaction as the
status; the steps of `after_transition()` (deadlines, cross-review, notifications) run in it too.
A move that makes no sense raises `IllegalTransition` and changes nothing.
`record` writes an event that changes no status (a finding, a reply, an extension);
given `services`, the same hooks see it, so notifications share its transaction.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Awaitable, Callable

from tortoise.transactions import in_transaction

from storage.models import Case, CaseEvent, Status

if TYPE_CHECKING:
    from bot.services import Services

LEGAL: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset({Status.ACCEPTED, Status.REFERRED, Status.REJECTED}),
    Status.ACCEPTED: frozenset({Status.INVESTIGATING, Status.RESOLVED}),
    Status.INVESTIGATING: frozenset({Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.RATED}),
    Status.RATED: frozenset({Status.INVESTIGATING}),  # 不满意: reopened for cross-review
    Status.REFERRED: frozenset(),
    Status.REJECTED: frozenset(),
    Status.NOT_ACCEPTED: frozenset(),
}
NEEDS_REASON = frozenset({Status.REJECTED, Status.REFERRED, Status.RESOLVED})

# (case, event, connection, services) -> None
AfterTransition = Callable[[Case, CaseEvent, Any, "Services"], Awaitable[None]]


def after_transition() -> list[AfterTransition]:
    """What follows every move and every recorded event, in its transaction and in this order: the deadline
    (resolve_due), cross-review (may reopen the case: these steps run again), notifications."""
    from handlers.cases import deadlines, notify, review  # they call back into this module

    return [deadlines.on_transition, review.on_transition, notify.on_transition]


class IllegalTransition(ValueError):
    def __init__(self, current: str, target: str, why: str = "") -> None:
        super().__init__(why or f"a case that is {current} cannot become {target}")
        self.current = current
        self.target = target


async def transition(case_id: int, target: Status, *, actor: str, reason: str = "", public: bool = True,
                     kind: str | None = None, services: "Services", updates: dict[str, Any] | None = None,
                     data: dict[str, Any] | None = None) -> tuple[Case, CaseEvent]:
    """Move a case to `target`, locking its row so two staff cannot move it at once."""
    if target in NEEDS_REASON and not reason.strip():
        raise IllegalTransition("", target, f"becoming {target} needs a reason")
    async with in_transaction() as conn:
        case = await Case.select_for_update().using_db(conn).get(id=case_id)
        event = await apply_transition(case, target, conn=conn, actor=actor, reason=reason, public=public,
                                       kind=kind, services=services, updates=updates, data=data)
    return case, event


async def apply_transition(case: Case, target: Status, *, conn: Any, actor: str, reason: str = "",
                           public: bool = True, kind: str | None = None, services: "Services",
                           updates: dict[str, Any] | None = None,
                           data: dict[str, Any] | None = None) -> CaseEvent:
    """The move itself, for a caller that already holds the row lock in `conn` (a hook reopening a case)."""
    current = Status(case.status)
    if target not in LEGAL[current]:
        raise IllegalTransition(current, target)
    case.status = target
    fields = ["status", "updated_at"]
    for k, v in (updates or {}).items():
        setattr(case, k, v)
        fields.append(k)
    await case.save(update_fields=fields, using_db=conn)
    event = await CaseEvent.create(case=case, actor=actor, kind=kind or target.value, from_status=current.value,
                                   to_status=target.value, reason=reason, public=public, data=data or {},
                                   using_db=conn)
    for hook in after_transition():
        await hook(case, event, conn, services)
    return event


async def record(case_id: int, kind: str, *, actor: str, reason: str = "", public: bool = False,
                 data: dict[str, Any] | None = None, updates: dict[str, Any] | None = None,
                 services: "Services | None" = None, conn: Any = None) -> CaseEvent:
    """An event that changes no status (a finding, a reply to the reporter, an extension...).

    `updates` change other fields of the case in the same transaction; with `services`
    the `after_transition()` steps run (they tell events apart by `kind`). `conn`: the
    caller's transaction, whose row lock it already holds.
    """
    if conn is not None:
        case = await Case.select_for_update().using_db(conn).get(id=case_id)
        return await _record(case, kind, conn, actor, reason, public, data, updates, services)
    async with in_transaction() as tx:
        case = await Case.select_for_update().using_db(tx).get(id=case_id)
        return await _record(case, kind, tx, actor, reason, public, data, updates, services)


async def _record(case: Case, kind: str, conn: Any, actor: str, reason: str, public: bool,
                  data: dict[str, Any] | None, updates: dict[str, Any] | None,
                  services: "Services | None") -> CaseEvent:
    if updates:
        for k, v in updates.items():
            setattr(case, k, v)
        await case.save(update_fields=[*updates, "updated_at"], using_db=conn)
    event = await CaseEvent.create(case=case, actor=actor, kind=kind, from_status=case.status,
                                   to_status=case.status, reason=reason, public=public, data=data or {},
                                   using_db=conn)
    if services is not None:
        for hook in after_transition():
            await hook(case, event, conn, services)
    return event
