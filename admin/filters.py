"""Template filters: dates in China time, Chinese names of statuses, categories and roles."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import jinja2

from nlp.categories import CATEGORY_NAMES
from storage.china_time import CHINA_TZ as CST
from storage.models import (  # noqa: F401  (admin imports them here)
    CHANNEL_NAMES, EVENT_NAMES, OPEN_STATUSES, RATING_NAMES, ROLE_NAMES, STATUS_NAMES,
)

LEVEL_NAMES = {"village": "村干部", "township": "乡镇（街道）", "county": "县直部门", "unknown": "未知"}


def when(value: Any) -> str:
    if isinstance(value, datetime):
        v = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return v.astimezone(CST).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def program_cn(program: str) -> str:
    """A finding's program: a subsidy program's name as imported, or a 村务公开 kind by its name."""
    from handlers.publication.disclosures import KIND_NAMES

    return KIND_NAMES.get(program, program)  # type: ignore[call-overload]


def install(env: jinja2.Environment) -> None:
    from nlp.function_words import meaningful
    from nlp.idcard import mask_numbers_in_text

    env.filters["masked"] = mask_numbers_in_text  # ID and phone numbers typed into free text
    env.filters["reasons"] = meaningful  # a case filed before function words were left out of the reasons
    env.filters["when"] = when
    env.filters["pct"] = pct
    env.filters["status_cn"] = lambda s: STATUS_NAMES.get(str(s), str(s))
    env.filters["category_cn"] = lambda c: CATEGORY_NAMES.get(str(c), str(c))
    env.filters["role_cn"] = lambda r: ROLE_NAMES.get(str(r), str(r))
    env.filters["event_cn"] = lambda k: EVENT_NAMES.get(str(k), str(k))
    env.filters["level_cn"] = lambda k: LEVEL_NAMES.get(str(k), str(k))
    from handlers.compare.records import period_name

    env.filters["program_cn"] = program_cn
    env.filters["period_cn"] = period_name
    env.filters["channel_cn"] = lambda c: CHANNEL_NAMES.get(str(c), "其他渠道")
    env.filters["rating_cn"] = lambda r: RATING_NAMES.get(str(r), "")
    env.globals["STATUS_NAMES"] = {str(k): v for k, v in STATUS_NAMES.items()}
    env.globals["CATEGORY_NAMES"] = CATEGORY_NAMES
    env.globals["ROLE_NAMES"] = ROLE_NAMES
