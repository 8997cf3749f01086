"""The GeoReport v2 handlers, declared in the API's route table (so the OpenAPI document lists them)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from aiohttp import web

from bot.api.routing import ApiRoutes, Call, Endpoint
from bot.open311 import models as m
from bot.open311.query import QueryError, requests_filter, value
from bot.open311.render import Open311Error, fmt_of, respond
from storage.china_time import CHINA_TZ
from storage.models import CLOSED_STATUSES, OPEN_STATUSES, Case

if TYPE_CHECKING:
    from bot.services import Services

routes = ApiRoutes("open311", prefix="/open311/v2")
PUBLISHED = OPEN_STATUSES + CLOSED_STATUSES  # never not_accepted (`other`)
FMT = "{response_format:(json|xml)}"
DOC = dict(auth=False, media=tuple(m.FORMATS.values()), error_model=m.Errors,
           path_params={"response_format": {"type": "string", "enum": list(m.FORMATS)}})


def _day(dt: datetime) -> str:
    """The day only, as a W3C datetime (the spec wants a zone): 00:00 Beijing time."""
    return dt.astimezone(CHINA_TZ).strftime("%Y-%m-%dT00:00:00+08:00")


async def _jurisdiction(call: Call) -> Any:
    """The registry; a jurisdiction_id other than the county's code is the spec's 404."""
    registry = await call.services.registry()
    given = value(call.request.query, "jurisdiction_id")
    if given and given != registry.county_code:
        raise Open311Error(404, f"jurisdiction_id {given[:40]} 不存在;本接口只服务 {registry.county_code}")
    return registry


def publish(case: Case, registry: Any) -> m.ServiceRequest:
    from handlers.cases.queries import STATUS_TEXT
    from nlp import CATEGORY_NAMES

    own_township = bool(case.township_id) and case.office == case.township_id
    return m.ServiceRequest(
        service_request_id=case.number or "", status="open" if case.status in OPEN_STATUSES else "closed",
        status_notes=STATUS_TEXT.get(case.status, ""), service_code=case.category,
        service_name=CATEGORY_NAMES.get(case.category, case.category),
        agency_responsible=registry.commission_name(case.office) if own_township else "",
        address=registry.place_label(case.township_id or "", case.village_id or ""),
        requested_datetime=_day(case.created_at), updated_datetime=_day(case.updated_at))


def _published() -> Any:
    return Case.filter(status__in=PUBLISHED, number__isnull=False).exclude(category="other")


@routes.get(f"/discovery.{FMT}", response=m.Discovery, summary="Open311:服务发现", **DOC)
async def discovery(call: Call) -> m.Discovery:
    registry = await _jurisdiction(call)
    base = f"{call.request.scheme}://{call.request.host}/open311/v2"
    changeset = "2026-12-01 00:00"
    return m.Discovery(changeset=changeset, contact=f"{registry.commission_name(registry.county_code)}",
                       key_service="只读接口,不需要 api_key",
                       endpoints=[m.Endpoint(url=base, changeset=changeset)])


@routes.get(f"/services.{FMT}", response=m.Services, summary="Open311:问题类别", **DOC)
async def services(call: Call) -> m.Services:
    from bot.api.pickers import CATEGORY_DESCRIPTIONS
    from nlp import CATEGORY_IDS, CATEGORY_NAMES

    await _jurisdiction(call)
    return m.Services([m.Service(service_code=c, service_name=CATEGORY_NAMES[c], description=CATEGORY_DESCRIPTIONS[c])
                       for c in CATEGORY_IDS if c != "other"])


@routes.get("/services/{service_code}." + FMT, response=m.ServiceDefinition, summary="Open311:一个类别的定义", **DOC)
async def service_definition(call: Call, service_code: str) -> m.ServiceDefinition:
    from nlp import CATEGORY_IDS

    await _jurisdiction(call)
    if service_code not in CATEGORY_IDS or service_code == "other":
        raise Open311Error(404, f"service_code {service_code[:40]} 不存在")
    return m.ServiceDefinition(service_code=service_code)


@routes.get(f"/requests.{FMT}", query=m.RequestsQuery, response=m.ServiceRequests,
            summary="Open311:反映办理状态(默认最近 90 天)", **DOC)
async def requests(call: Call) -> m.ServiceRequests:
    registry = await _jurisdiction(call)
    try:
        f = requests_filter(call.request.query, datetime.now(timezone.utc))
    except QueryError as exc:
        raise Open311Error(400, str(exc)) from None
    qs = _published()
    if f.ids:  # the spec: service_request_id overrides every other argument
        qs = qs.filter(number__in=f.ids)
    else:
        # in the database's zone: SQLite compares the stored text
        qs = qs.filter(created_at__gte=f.start.astimezone(CHINA_TZ), created_at__lte=f.end.astimezone(CHINA_TZ))
        if f.service_codes:
            qs = qs.filter(category__in=f.service_codes)
        if f.statuses and f.statuses != {"open", "closed"}:
            qs = qs.filter(status__in=OPEN_STATUSES if "open" in f.statuses else CLOSED_STATUSES)
    cases = await qs.order_by("-created_at", "-id").offset((f.page - 1) * f.page_size).limit(f.page_size)
    return m.ServiceRequests([publish(c, registry) for c in cases])


@routes.get("/requests/{service_request_id}." + FMT, response=m.ServiceRequests,
            summary="Open311:一件反映的办理状态", **DOC)
async def request(call: Call, service_request_id: str) -> m.ServiceRequests:
    registry = await _jurisdiction(call)
    case = await _published().get_or_none(number=service_request_id.strip().upper()[:20])
    if case is None:
        raise Open311Error(404, f"service_request_id {service_request_id[:40]} 不存在")
    return m.ServiceRequests([publish(case, registry)])


def bind(ep: Endpoint, services: "Services", config: Any) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """`config`: the API's limits (the running app's copy, shared with /api/v1)."""
    from bot.api import limits
    from bot.api.routing import clean_text

    async def handle(request: web.Request) -> web.StreamResponse:
        await limits.check_ip(request, services, config)
        kwargs = {k: clean_text(v) for k, v in request.match_info.items() if k != "response_format"}
        result = await ep.handler(Call(request, services, config), **kwargs)
        return respond(result, fmt_of(request))

    return handle
