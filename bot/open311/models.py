"""What GeoReport v2 responses hold (field names and meaning as the spec defines them)."""
from __future__ import annotations

from pydantic import BaseModel, Field, RootModel

from bot.api.routing import QueryIn
from bot.open311.query import PATTERNS

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
FORMATS = {"json": "application/json", "xml": "text/xml"}
W3C = "date-time"  # the spec's w3 datetime format, with a time zone
# Query parameters: one pattern each that takes the empty string too (GeoReport clients send empty for absent),
# not anyOf — a client negating one branch of an anyOf (schemathesis does) may send "" as "invalid"
EMPTY_OR_W3C: dict[str, object] = {"pattern": PATTERNS["start_date"]}
EMPTY_OR_PAGE: dict[str, object] = {"pattern": PATTERNS["page"]}
EMPTY_OR_PAGE_SIZE: dict[str, object] = {"pattern": PATTERNS["page_size"]}


class Service(BaseModel):
    service_code: str
    service_name: str
    description: str
    metadata: bool = False
    type: str = Field("batch", description="realtime | batch | blackbox")
    keywords: str = ""
    group: str = "纪检监察"


class Services(RootModel[list[Service]]):
    pass


class ServiceDefinition(BaseModel):
    service_code: str
    attributes: list[dict[str, str]] = Field(default_factory=list, description="没有附加字段")


class ServiceRequest(BaseModel):
    service_request_id: str
    status: str = Field(description="open | closed")
    status_notes: str
    service_name: str
    service_code: str
    agency_responsible: str = Field(description="办理机关;回避本乡镇办理的案件为空")
    address: str = Field(description="乡镇、村名称")
    requested_datetime: str = Field(json_schema_extra={"format": W3C},
                                    description="登记日期(只有日期:时间总是 00:00,北京时间)")
    updated_datetime: str = Field(json_schema_extra={"format": W3C}, description="最近变化的日期(同上)")


class ServiceRequests(RootModel[list[ServiceRequest]]):
    pass


class Endpoint(BaseModel):
    specification: str = SPEC_URL
    url: str
    changeset: str
    type: str = "production"
    formats: list[str] = Field(default_factory=lambda: list(FORMATS.values()))


class Discovery(BaseModel):
    changeset: str
    contact: str
    key_service: str
    endpoints: list[Endpoint]


class Error(BaseModel):
    code: int = Field(description="HTTP status code")
    description: str


class Errors(RootModel[list[Error]]):
    pass


def _text(name: str, description: str, **extra: object) -> object:
    from bot.open311.query import MAX_LENGTH

    return Field(default=None, max_length=MAX_LENGTH[name], description=description,
                 json_schema_extra=dict(extra) or None)


class CommonQuery(QueryIn):
    """Every call accepts jurisdiction_id (the county's registry code); other parameters are ignored."""

    jurisdiction_id: str | None = _text("jurisdiction_id", "县的区划代码;可省略")  # type: ignore[assignment]


class RequestsQuery(CommonQuery):
    service_request_id: str | None = _text("service_request_id", "案件编号,可用逗号连接多个;给出时忽略其他条件")  # type: ignore[assignment]
    service_code: str | None = _text("service_code", "类别,可用逗号连接多个")  # type: ignore[assignment]
    start_date: str | None = _text("start_date", "最早登记时间(W3C 格式);与 end_date 相隔不超过 90 天", **EMPTY_OR_W3C)  # type: ignore[assignment]
    end_date: str | None = _text("end_date", "最晚登记时间(W3C 格式);都不填时为最近 90 天", **EMPTY_OR_W3C)  # type: ignore[assignment]
    status: str | None = _text("status", "open、closed,或用逗号连接")  # type: ignore[assignment]
    # Integers on the wire, or empty (absent), as GeoReport clients send them
    page: str | None = _text("page", "页码,1 到 10000,从 1 开始(扩展)", **EMPTY_OR_PAGE)  # type: ignore[assignment]
    page_size: str | None = _text("page_size", "每页条数,1 到 1000,默认 1000(扩展)", **EMPTY_OR_PAGE_SIZE)  # type: ignore[assignment]
