"""Who may act on which case (SPEC: staff see only their jurisdiction, monitors never the reporter).

    county_admin, county_staff   every case of their county (scope_code = county code)
    township_staff               cases their commission handles now (Case.office == scope_code)
    monitor                      cases of their village (scope_code = village code) or assigned to
                                 them in the panel; they may only add findings
    auditor                      reads the audit log; no case actions
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from storage.models import COUNTY_ROLES, ROLE_NAMES, Case, Role, Staff

if TYPE_CHECKING:
    from bot.services import Services

HANDLERS = frozenset({Role.COUNTY_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF})
FINDERS = HANDLERS | {Role.MONITOR}


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


async def county_code(services: "Services") -> str:
    return str((await services.registry()).county_code)


async def in_scope(staff: Staff, case: Case, services: "Services") -> bool:
    """Whether `staff` may see `case` at all."""
    if not staff.is_active:
        return False
    role = Role(staff.role)
    if role in COUNTY_ROLES:
        return bool(staff.scope_code) and staff.scope_code == await county_code(services)
    if role == Role.TOWNSHIP_STAFF:
        return bool(staff.scope_code) and case.office == staff.scope_code
    if role == Role.MONITOR:
        if staff.scope_code and case.village_id == staff.scope_code:
            return True
        try:
            from storage.models.admin import MonitorAssignment
        except ImportError:  # the panel's app is not installed
            return False
        return await MonitorAssignment.exists(case_id=case.id, staff_id=staff.id)
    return False


async def require(staff: Staff, case: Case, action: str, roles: frozenset[Role], services: "Services") -> None:
    """Raise unless `staff` has one of `roles` and the case is in their scope."""
    if not staff.is_active:
        raise RoleNotAllowed(f"账号 {staff.username} 已停用,不能{action}")
    if Role(staff.role) not in roles:
        raise RoleNotAllowed(f"{ROLE_NAMES.get(staff.role, staff.role)}不能{action}")
    if not await in_scope(staff, case, services):
        raise NotInScope(f"案件 {case.number} 不在您的管辖范围内,不能{action}")

