"""Who may see and do what in the panel (SPEC roles). Every case query of the panel starts from `cases_for`:
the jurisdiction table of handlers/cases/scope.py as a query, the same table the chat and the actions check.

    county_admin, county_staff   act on their cases, reveal 实名 reporters (audited)
    township_staff               act on their cases
    monitor                      add findings, never the reporter
    auditor                      no cases: the audit log, read-only

A case outside the scope is answered 404, exactly like a case that does not
exist, so ids cannot be probed.
"""
from __future__ import annotations

from aiohttp import web
from tortoise.queryset import QuerySet

from admin.web import services_of, staff_of
from handlers.cases.scope import case_filter, county_code
from storage.models import COUNTY_ROLES, Case, Role, Staff

CASE_ROLES = frozenset({Role.COUNTY_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.MONITOR})
ACTING_ROLES = frozenset({Role.COUNTY_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF})
AUDIT_ROLES = frozenset({Role.COUNTY_ADMIN, Role.AUDITOR})
ADMIN_ROLES = frozenset({Role.COUNTY_ADMIN})


def role(staff: Staff) -> Role:
    return Role(staff.role)


def is_county(staff: Staff) -> bool:
    return role(staff) in COUNTY_ROLES


def cases_for(staff: Staff, county: str) -> QuerySet[Case]:
    """The cases this person may see (`county`: the registry's county code); empty for roles without cases."""
    q = case_filter(staff, county)
    return Case.filter(q) if q is not None else Case.filter(id__lt=0)


async def county_of(request: web.Request) -> str:
    return county_code(await services_of(request).registry())


async def visible_cases(request: web.Request) -> QuerySet[Case]:
    """`cases_for` the signed-in person."""
    return cases_for(staff_of(request), await county_of(request))


async def case_or_404(request: web.Request, case_id: int | str) -> Case:
    try:
        cid = int(case_id)
    except (TypeError, ValueError):
        raise web.HTTPNotFound(text="没有这件案件，或不在您的管辖范围内。") from None
    case = await (await visible_cases(request)).filter(id=cid).first()
    if case is None:
        raise web.HTTPNotFound(text="没有这件案件，或不在您的管辖范围内。")
    return case


def may_act(staff: Staff) -> bool:
    return role(staff) in ACTING_ROLES


def may_see_reporter(staff: Staff) -> bool:
    """Only county roles, and only through the audited reveal."""
    return role(staff) in COUNTY_ROLES


def require(staff: Staff, roles: frozenset[Role]) -> None:
    if role(staff) not in roles:
        raise web.HTTPForbidden(text="您的账户角色无权进行此项操作。")


def township_filter(staff: Staff) -> str | None:
    """The township code statistics are limited to; None for the whole county."""
    return staff.scope_code if role(staff) is Role.TOWNSHIP_STAFF else None
