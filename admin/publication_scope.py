"""Who may see and change the publication pages (公开), in one place.

    read        county roles and township staff (township staff: their own township's villages)
    powers      the county admin edits and imports the 小微权力清单
    upload      township staff for their own villages, county roles for every village
    periods     the county admin opens disclosure periods and 点题 rounds
    review      county roles publish outcomes (not the person who proposed them)
"""
from __future__ import annotations

from aiohttp import web

from admin import scope
from storage.models import COUNTY_ROLES, Role, Staff, Village

READ_ROLES = frozenset({Role.COUNTY_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF})


def require_read(staff: Staff) -> None:
    scope.require(staff, READ_ROLES)


def township_of(staff: Staff) -> str | None:
    """The township a person's publication pages are limited to; None for the county."""
    return scope.township_filter(staff)


def is_county(staff: Staff) -> bool:
    return Role(staff.role) in COUNTY_ROLES


async def village_or_403(staff: Staff, code: str) -> Village:
    """A village the person may upload for: any for the county, their own township's for township staff."""
    village = await Village.get_or_none(code=code)
    if village is None:
        raise web.HTTPBadRequest(text="行政区划中没有这个村。")
    town = township_of(staff)
    if town is not None and village.township_id != town:  # type: ignore[attr-defined]
        raise web.HTTPForbidden(text="这个村不在您的管辖范围内。")
    return village
