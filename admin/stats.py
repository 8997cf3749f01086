"""Case statistics for the dashboard and the monthly / quarterly reports, always within a scope.

办结率 = cases resolved (or resolved and rated) / cases taken on (accepted, investigating, resolved, rated).
满意率 = rated satisfied / rated.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from admin.filters import CST, OPEN_STATUSES
from storage.models import Case, Township

TAKEN_ON = ("accepted", "investigating", "resolved", "rated")
DONE = ("resolved", "rated")


@dataclass
class Stats:
    total: int = 0
    open: int = 0
    overdue: int = 0
    resolved_in_period: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_township: dict[str, int] = field(default_factory=dict)  # township name -> count
    completion_rate: float | None = None
    satisfaction_rate: float | None = None
    trend: list[tuple[str, int, int]] = field(default_factory=list)  # (YYYY-MM, filed, resolved)


def month_start(d: date) -> datetime:
    return datetime.combine(d.replace(day=1), time(), tzinfo=CST)


def add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, 1)


def overdue_q(today: date) -> Q:
    late = Q(status="received", accept_due__lt=today) | Q(resolve_due__lt=today) | Q(overdue_level__gt=0)
    return Q(status__in=OPEN_STATUSES) & late


async def _group(qs: QuerySet[Case], column: str) -> dict[str, int]:
    rows = await qs.annotate(n=Count("id")).group_by(column).values(column, "n")
    return {str(r[column] or ""): int(r["n"]) for r in rows}


def _resolved_between(qs: QuerySet[Case], start: datetime, end: datetime) -> QuerySet[Case]:
    return qs.filter(events__to_status="resolved", events__at__gte=start, events__at__lt=end)


async def compute(scoped: QuerySet[Case], *, start: datetime | None = None, end: datetime | None = None,
                  trend_months: int = 12, today: date | None = None) -> Stats:
    """Statistics of the cases in `scoped`; `start`/`end` limit to cases filed in a period (reports)."""
    today = today or datetime.now(CST).date()
    qs = scoped
    if start is not None and end is not None:
        qs = qs.filter(created_at__gte=start, created_at__lt=end)
    s = Stats()
    s.by_status = await _group(qs, "status")
    s.total = sum(s.by_status.values())
    s.open = sum(s.by_status.get(k, 0) for k in OPEN_STATUSES)
    s.by_category = await _group(qs, "category")
    names = {t.code: t.name for t in await Township.all()}
    s.by_township = {names.get(code, code or "未知"): n for code, n in (await _group(qs, "township_id")).items()}
    s.overdue = await qs.filter(overdue_q(today)).count()
    taken = sum(s.by_status.get(k, 0) for k in TAKEN_ON)
    done = sum(s.by_status.get(k, 0) for k in DONE)
    s.completion_rate = done / taken if taken else None
    rated = await _group(qs.filter(status="rated"), "rating")
    n_rated = sum(rated.values())
    s.satisfaction_rate = rated.get("satisfied", 0) / n_rated if n_rated else None
    period_start = start or month_start(today)
    period_end = end or datetime.now(timezone.utc) + timedelta(days=1)
    s.resolved_in_period = await _resolved_between(scoped, period_start, period_end).distinct().count()
    first = add_months(today.replace(day=1), -(trend_months - 1))
    for i in range(trend_months if trend_months else 0):
        a = month_start(add_months(first, i))
        b = month_start(add_months(first, i + 1))
        filed = await scoped.filter(created_at__gte=a, created_at__lt=b).count()
        resolved = await _resolved_between(scoped, a, b).distinct().count()
        s.trend.append((a.strftime("%Y-%m"), filed, resolved))
    return s


def chart_data(s: Stats, category_names: dict[str, str], status_names: dict[str, str]) -> dict[str, Any]:
    """What the dashboard's charts draw (JSON in the page, read by admin/static/charts.js)."""
    return {
        "status": {"labels": [status_names.get(k, k) for k in s.by_status], "values": list(s.by_status.values())},
        "category": {"labels": [category_names.get(k, k) for k in s.by_category],
                     "values": list(s.by_category.values())},
        "township": {"labels": list(s.by_township), "values": list(s.by_township.values())},
        "trend": {"labels": [m for m, _, _ in s.trend], "filed": [f for _, f, _ in s.trend],
                  "resolved": [r for _, _, r in s.trend]},
    }
