"""Open311 GeoReport v2, read-only, for outside dashboards: published, de-identified case status.

    GET /open311/v2/services.json             the categories
    GET /open311/v2/requests.json             cases, newest first (filters: service_code, status, dates, page)
    GET /open311/v2/requests/{id}.json        one case by its number

A request shows the case number, category, township and village names, the
handling commission, status and dates — never the text, the reporter, or
anything typed by a person. Cases outside the remit (`not_accepted`) are not
published: they are kept for statistics only.
"""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, RootModel

from bot.api.errors import fail
from bot.api.routing import ApiRoutes, Call, QueryIn
from storage.china_time import CHINA_TZ
from storage.models import CLOSED_STATUSES, OPEN_STATUSES, Case, Status

routes = ApiRoutes("open311", prefix="/open311/v2")
PUBLISHED = OPEN_STATUSES + CLOSED_STATUSES


class Service(BaseModel):
    service_code: str
    service_name: str
    description: str
    metadata: bool = False
    type: str = "batch"
    keywords: str = ""
    group: str = "纪检监察"


class ServicesOut(RootModel[list[Service]]):
    pass


class ServiceRequest(BaseModel):
    service_request_id: str
    status: str = Field(description="open | closed")
    status_notes: str
    service_code: str
    service_name: str
    agency_responsible: str
    address: str = Field(description="乡镇、村名称")
    requested_datetime: datetime
    updated_datetime: datetime


class RequestsOut(RootModel[list[ServiceRequest]]):
    pass


class RequestsQuery(QueryIn):
    service_code: str | None = Field(default=None, max_length=32)
    status: str | None = Field(default=None, pattern=r"^(open|closed)(,(open|closed))?$",
                               description="open、closed,或用逗号连接")
    start_date: datetime | None = None
    end_date: datetime | None = None
    page: int = Field(default=1, ge=1, le=10000)
    page_size: int = Field(default=50, ge=1, le=200)


def _status_set(raw: str | None) -> tuple[Status, ...]:
    if not raw:
        return PUBLISHED
    wanted = {s.strip() for s in raw.split(",") if s.strip()}
    if not wanted or not wanted <= {"open", "closed"}:
        raise fail("invalid_request", "请求内容不正确:status")
    return (OPEN_STATUSES if "open" in wanted else ()) + (CLOSED_STATUSES if "closed" in wanted else ())


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=CHINA_TZ)  # a date without an offset is local time


def _request(case: Case, registry: object) -> ServiceRequest:
    from handlers.cases.queries import STATUS_TEXT
    from nlp import CATEGORY_NAMES

    place = registry.place_label(case.township_id or "", case.village_id or "")  # type: ignore[attr-defined]
    agency = registry.commission_name(case.office) or "县纪委监委"  # type: ignore[attr-defined]
    return ServiceRequest(
        service_request_id=case.number or "", status="open" if case.status in OPEN_STATUSES else "closed",
        status_notes=STATUS_TEXT.get(case.status, ""), service_code=case.category,
        service_name=CATEGORY_NAMES.get(case.category, case.category), agency_responsible=agency,
        address=place, requested_datetime=case.created_at, updated_datetime=case.updated_at,
    )


@routes.get("/services.json", response=ServicesOut, auth=False, summary="Open311:问题类别")
async def services(call: Call) -> ServicesOut:
    from bot.api.pickers import CATEGORY_DESCRIPTIONS
    from nlp import CATEGORY_IDS, CATEGORY_NAMES

    return ServicesOut([Service(service_code=c, service_name=CATEGORY_NAMES[c], description=CATEGORY_DESCRIPTIONS[c])
                        for c in CATEGORY_IDS if c != "other"])


@routes.get("/requests.json", query=RequestsQuery, response=RequestsOut, auth=False, summary="Open311:反映办理状态")
async def requests(call: Call, query: RequestsQuery) -> RequestsOut:
    qs = Case.filter(status__in=_status_set(query.status), number__isnull=False)
    if query.service_code:
        qs = qs.filter(category=query.service_code)
    if query.start_date:
        qs = qs.filter(created_at__gte=_aware(query.start_date))
    if query.end_date:
        qs = qs.filter(created_at__lte=_aware(query.end_date))
    cases = await qs.order_by("-created_at", "-id").offset((query.page - 1) * query.page_size).limit(query.page_size)
    registry = await call.services.registry()
    return RequestsOut([_request(c, registry) for c in cases])


@routes.get("/requests/{id}.json", response=RequestsOut, auth=False, errors=("case_not_found",),
            summary="Open311:一件反映的办理状态")
async def request(call: Call, id: str) -> RequestsOut:
    from bot.api.followup import is_number

    case = await Case.get_or_none(number=id.strip().upper(), status__in=PUBLISHED) if is_number(id) else None
    if case is None:
        raise fail("case_not_found")
    return RequestsOut([_request(case, await call.services.registry())])
