"""Who sees which case: the one table (SPEC: staff see only their jurisdiction; issue 20: a monitor never a
case routed away from the township), read as a predicate here (`in_scope`) and as a query by the panel
(`case_filter`, admin/scope.py `cases_for`), so the two cannot drift.

    role                         staff.scope_code   sees the cases where
    county_admin, county_staff   the county         every case
    township_staff               a township         the office handling it now is their commission
    monitor                      a village          it is about their village, or was handed to them, and a
                                                    township commission handles it: never a case routed to
                                                    the county (回避, 提级, 排除: the accused may be the
                                                    monitor's own village committee)
    auditor                      the county         none: the audit log only

Monitors only add findings and never see the reporter; notifications follow the same rule (notify.recipients).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Awaitable, Callable

from tortoise.expressions import Q, Subquery

from storage.models import ROLE_NAMES, Case, Role, Staff
from storage.models.admin import MonitorAssignment

if TYPE_CHECKING:
    from bot.services import Services
    from nlp import RegistryIndex

HANDLERS = frozenset({Role.COUNTY_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF})
FINDERS = HANDLERS | {Role.MONITOR}


class Sees(Enum):
    """One condition on a case, relative to the viewer."""

    EVERY = "every case"
    OFFICE = "Case.office is the viewer's scope_code"
    VILLAGE = "Case.village is the viewer's scope_code"
    ASSIGNED = "a MonitorAssignment hands the case to the viewer"
    TOWNSHIP_HANDLES = "a township commission handles the case: not the county (回避, 提级, 排除), not unaccepted"


@dataclass(frozen=True)
class Scope:
    county_scoped: bool  # the viewer's scope_code must be the county's code
    any_of: tuple[frozenset[Sees], ...]  # the case is seen when every condition of one of these holds


SCOPE: dict[Role, Scope] = {
    Role.COUNTY_ADMIN: Scope(True, (frozenset({Sees.EVERY}),)),
    Role.COUNTY_STAFF: Scope(True, (frozenset({Sees.EVERY}),)),
    Role.TOWNSHIP_STAFF: Scope(False, (frozenset({Sees.OFFICE}),)),
    Role.MONITOR: Scope(False, (frozenset({Sees.VILLAGE, Sees.TOWNSHIP_HANDLES}),
                                frozenset({Sees.ASSIGNED, Sees.TOWNSHIP_HANDLES}))),
    Role.AUDITOR: Scope(True, ()),
}


def _scope_of(staff: Staff, county: str) -> tuple[frozenset[Sees], ...]:
    rule = SCOPE[Role(staff.role)]
    if not staff.is_active or not staff.scope_code or (rule.county_scoped and staff.scope_code != county):
        return ()
    return rule.any_of


def case_filter(staff: Staff, county: str) -> Q | None:
    """The table as a query condition on Case; None when the viewer sees no case at all."""
    def one(cond: Sees) -> Q:
        return {
            Sees.EVERY: lambda: Q(id__gte=0),
            Sees.OFFICE: lambda: Q(office=staff.scope_code),
            Sees.VILLAGE: lambda: Q(village_id=staff.scope_code),
            Sees.ASSIGNED: lambda: Q(id__in=Subquery(MonitorAssignment.filter(staff_id=staff.id).values("case_id"))),
            Sees.TOWNSHIP_HANDLES: lambda: ~Q(office__in=[county, ""]),
        }[cond]()

    alternatives = [Q(*(one(c) for c in sorted(conds, key=lambda c: c.name))) for conds in _scope_of(staff, county)]
    return Q(*alternatives, join_type=Q.OR) if alternatives else None


async def case_matches(staff: Staff, case: Case, county: str, assigned: Callable[[], Awaitable[bool]]) -> bool:
    """The table as a predicate on one case; `assigned()` is asked only when the table needs it."""
    async def one(cond: Sees) -> bool:
        if cond is Sees.EVERY:
            return True
        if cond is Sees.OFFICE:
            return case.office == staff.scope_code
        if cond is Sees.VILLAGE:
            return case.village_id == staff.scope_code
        if cond is Sees.TOWNSHIP_HANDLES:
            return case.office not in (county, "")
        return await assigned()

    for conds in _scope_of(staff, county):
        for cond in sorted(conds, key=lambda c: c is Sees.ASSIGNED):  # the database last
            if not await one(cond):
                break
        else:
            return True
    return False


class ActionError(Exception):
    """A refused action; `code` for programs, the message (Chinese, precise) for people."""

    code = "refused"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotInScope(ActionError, PermissionError):
    code = "out_of_scope"


class RoleNotAllowed(ActionError, PermissionError):
    code = "role"


class BadInput(ActionError, ValueError):
    code = "bad_input"


def county_code(registry: "RegistryIndex") -> str:
    return str(registry.county_code)


async def monitor_could_see(monitor: Staff, case: Case, county: str) -> bool:
    """Whether handing `case` to `monitor` would let them see it (never a case the county handles)."""
    async def yes() -> bool:
        return True

    return await case_matches(monitor, case, county, yes)


async def in_scope(staff: Staff, case: Case, registry: "RegistryIndex") -> bool:
    """Whether `staff` may see `case` at all (the table above)."""
    async def assigned() -> bool:
        return await MonitorAssignment.exists(case_id=case.id, staff_id=staff.id)

    return await case_matches(staff, case, county_code(registry), assigned)


async def require(staff: Staff, case: Case, action: str, roles: frozenset[Role], services: "Services") -> None:
    """Raise unless `staff` has one of `roles` and the case is in their scope."""
    if not staff.is_active:
        raise RoleNotAllowed(f"账号 {staff.username} 已停用,不能{action}")
    if Role(staff.role) not in roles:
        raise RoleNotAllowed(f"{ROLE_NAMES.get(staff.role, staff.role)}不能{action}")
    if not await in_scope(staff, case, await services.registry()):
        raise NotInScope(f"案件 {case.number} 不在您的管辖范围内,不能{action}")

