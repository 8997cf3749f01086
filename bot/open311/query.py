"""GeoReport v2 query rules (spec "GET Service Requests").

- An empty parameter is absent (`?status=&service_code=` asks for everything); control
  characters (a NUL) are dropped first.
- Parameters the spec or we do not define (api_key, extensions) are ignored.
- service_request_id, service_code and status take comma-separated lists;
  service_request_id overrides every other filter.
- start_date / end_date are W3C datetimes; without a zone they are Beijing time.
  Neither given: the most recent 90 days; one given: 90 days from it; both: may
  not span more than 90 days.
"""
from __future__ import annotations

import re

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Mapping

from storage.china_time import CHINA_TZ

WINDOW = timedelta(days=90)
MAX_IDS = 20
DEFAULT_PAGE_SIZE = 1000  # the spec's "first 1000 requests"
# Longest value of each parameter (the OpenAPI document says the same): a URL stays far below the
# 8 KB request line the server accepts, whatever is typed.
MAX_LENGTH = {"jurisdiction_id": 40, "service_request_id": 300, "service_code": 300, "start_date": 40,
              "end_date": 40, "status": 20, "page": 6, "page_size": 6}


# The values a patterned parameter may take, empty (absent) included; the OpenAPI document publishes the same
# patterns, and a value is checked as it came, before anything is trimmed, so what the document calls invalid is
# refused here too
W3C_VALUE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?"
PATTERNS = {"start_date": f"^(?:|{W3C_VALUE})$", "end_date": f"^(?:|{W3C_VALUE})$",
            "page": "^(?:|[1-9][0-9]{0,3}|10000)$", "page_size": "^(?:|[1-9][0-9]{0,2}|1000)$"}
_COMPILED = {name: re.compile(p) for name, p in PATTERNS.items()}


class QueryError(Exception):
    """A bad parameter: GeoReport answers 400 with this description."""


def value(query: Mapping[str, str], name: str) -> str:
    from bot.api.routing import clean_text

    given = query.get(name) or ""
    if len(given) > MAX_LENGTH.get(name, 40):  # as sent: control characters count, as the document counts them
        raise QueryError(f"{name} 太长")
    pattern = _COMPILED.get(name)
    if pattern is not None and not pattern.fullmatch(given):  # not match(): its $ lets a trailing newline through
        raise QueryError(f"{name} 格式不对" + (",应为 W3C 日期时间,如 2026-01-01T00:00:00+08:00"
                                                  if name.endswith("_date") else ""))
    return clean_text(given).strip()  # NUL and control characters are nothing a database takes


def listed(query: Mapping[str, str], name: str) -> list[str]:
    return [v.strip() for v in value(query, name).split(",") if v.strip()]


def w3c(raw: str, name: str) -> datetime:
    try:
        if len(raw) == 10:  # a complete date: its first instant
            return datetime.combine(date.fromisoformat(raw), time(), tzinfo=CHINA_TZ)
        dt = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        raise QueryError(f"{name} 须为 W3C 日期时间,如 2026-01-01T00:00:00+08:00") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=CHINA_TZ)


def integer(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = value(query, name)
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise QueryError(f"{name} 须为 {low} 到 {high} 之间的整数")
    return int(raw)


@dataclass(frozen=True)
class RequestsFilter:
    ids: list[str]
    service_codes: list[str]
    statuses: set[str]
    start: datetime
    end: datetime
    page: int
    page_size: int


def requests_filter(query: Mapping[str, str], now: datetime) -> RequestsFilter:
    statuses = set(listed(query, "status"))
    if not statuses <= {"open", "closed"}:
        raise QueryError("status 只能是 open、closed,或用逗号连接")
    ids = [i.upper() for i in listed(query, "service_request_id")]
    if len(ids) > MAX_IDS:
        raise QueryError(f"service_request_id 一次最多 {MAX_IDS} 个")
    start_raw, end_raw = value(query, "start_date"), value(query, "end_date")
    start = w3c(start_raw, "start_date") if start_raw else None
    end = w3c(end_raw, "end_date") if end_raw else None
    if start is None and end is None:
        end = now
    if start is None:
        start = end - WINDOW  # type: ignore[operator]
    if end is None:
        end = start + WINDOW
    if end < start:
        raise QueryError("end_date 早于 start_date")
    if end - start > WINDOW:
        raise QueryError("start_date 与 end_date 相隔不能超过 90 天")
    return RequestsFilter(ids=ids, service_codes=listed(query, "service_code"), statuses=statuses, start=start,
                          end=end, page=integer(query, "page", 1, 1, 10000),
                          page_size=integer(query, "page_size", DEFAULT_PAGE_SIZE, 1, DEFAULT_PAGE_SIZE))
