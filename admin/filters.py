"""Template filters: dates in China time, Chinese names of statuses, categories and roles."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import jinja2

from nlp.categories import CATEGORY_NAMES

CST = timezone(timedelta(hours=8))
STATUS_NAMES = {
    "received": "待受理", "accepted": "已受理", "referred": "已转办", "rejected": "不予受理",
    "investigating": "调查中", "resolved": "已办结", "rated": "已评价", "not_accepted": "不属受理范围",
}
ROLE_NAMES = {
    "county_admin": "县纪委监委管理员", "county_staff": "县纪委监委工作人员", "township_staff": "乡镇纪委工作人员",
    "monitor": "作风监督员", "auditor": "审计员",
}
EVENT_NAMES = {
    "filed": "登记", "routed": "分流", "accepted": "受理", "referred": "转办", "rejected": "不予受理",
    "investigating": "开始调查", "finding": "调查情况", "reply": "答复举报人", "resolved": "办结", "rated": "评价",
    "extended": "延期", "reassigned": "改派", "recategorised": "更正类别", "monitor_assigned": "交办监督员",
    "identity_revealed": "查看举报人身份", "escalated": "督办", "reopened": "重新办理",
}
LEVEL_NAMES = {"village": "村干部", "township": "乡镇（街道）", "county": "县直部门", "unknown": "未知"}
OPEN_STATUSES = ("received", "accepted", "investigating")


def when(value: Any) -> str:
    if isinstance(value, datetime):
        v = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return v.astimezone(CST).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def install(env: jinja2.Environment) -> None:
    env.filters["when"] = when
    env.filters["pct"] = pct
    env.filters["status_cn"] = lambda s: STATUS_NAMES.get(str(s), str(s))
    env.filters["category_cn"] = lambda c: CATEGORY_NAMES.get(str(c), str(c))
    env.filters["role_cn"] = lambda r: ROLE_NAMES.get(str(r), str(r))
    env.filters["event_cn"] = lambda k: EVENT_NAMES.get(str(k), str(k))
    env.filters["level_cn"] = lambda k: LEVEL_NAMES.get(str(k), str(k))
    env.globals["STATUS_NAMES"] = STATUS_NAMES
    env.globals["CATEGORY_NAMES"] = CATEGORY_NAMES
    env.globals["ROLE_NAMES"] = ROLE_NAMES
