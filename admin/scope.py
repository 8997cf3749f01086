"""Who may see and do what (SPEC roles). Every case query of the panel starts from `cases_for`.

    county_admin, county_staff   all cases, act on all, reveal 实名 reporters
    township_staff               cases whose office is their township, act on them
    monitor                      cases of their village or assigned to them (MonitorAssignment), add
                                 findings, never the reporter — as handlers.cases.scope.in_scope
    auditor                      no cases: the audit log, read-only

A case outside the scope is answered 404, exactly like a case that does not
exist, so ids cannot be probed.
"""
from __future__ import annotations

from aiohttp import web
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from storage.models import COUNTY_ROLES, Case, Role, Staff
from storage.models.admin import MonitorAssignment

CASE_ROLES = frozenset({Role.COUNTY_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.MONITOR})
ACTING_ROLES = frozenset({Role.COUNTY_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF})
AUDIT_ROLES = frozenset({Role.COUNTY_ADMIN, Role.AUDITOR})
ADMIN_ROLES = frozenset({Role.COUNTY_ADMIN})


def role(staff: Staff) -> Role:
    return Role(staff.role)


def is_county(staff: Staff) -> bool:
    return role(staff) in COUNTY_ROLES


def cases_for(staff: Staff) -> QuerySet[Case]:
    """The cases this person may see; an empty set for roles without cases."""
    r = role(staff)
    if r in COUNTY_ROLES:
        return Case.all()
    if r is Role.TOWNSHIP_STAFF and staff.scope_code:
        return Case.filter(office=staff.scope_code)
    if r is Role.MONITOR:
        assigned = Subquery(MonitorAssignment.filter(staff_id=staff.id).values("case_id"))
        mine = Q(id__in=assigned)
        return Case.filter(mine | Q(village_id=staff.scope_code) if staff.scope_code else mine)
    return Case.filter(id__lt=0)


async def case_or_404(staff: Staff, case_id: int | str) -> Case:
    try:
        cid = int(case_id)
    except (TypeError, ValueError):
        raise web.HTTPNotFound(text="no such case") from None
    case = await cases_for(staff).filter(id=cid).first()
    if case is None:
        raise web.HTTPNotFound(text="no such case")
    return case


def may_act(staff: Staff) -> bool:
    return role(staff) in ACTING_ROLES


def may_see_reporter(staff: Staff) -> bool:
    """Only county roles, and only through the audited reveal."""
    return role(staff) in COUNTY_ROLES


def require(staff: Staff, roles: frozenset[Role]) -> None:
    if role(staff) not in roles:
        raise web.HTTPForbidden(text="your role may not do this")


def township_filter(staff: Staff) -> str | None:
    """The township code statistics are limited to; None for the whole county."""
    return staff.scope_code if role(staff) is Role.TOWNSHIP_STAFF else None
