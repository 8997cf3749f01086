"""Case statistics for the dashboard and the monthly / quarterly reports, always within a scope.

办结率 = cases resolved (or resolved and rated) / cases taken on (accepted, investigating, resolved, rated).
满意率 = ratings 满意 / ratings given: every rating is an event, so a 不满意 that reopened the case still counts.
本期办结 = cases resolved in the period, each once however often it was resolved (reopened, resolved again).
The dashboard and the statistics XLSX both read these figures from `compute`, and nowhere else.
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from admin.filters import CST, OPEN_STATUSES
from storage.models import Case, CaseEvent, Township

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
    rated: int = 0
    satisfied: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)  # the grouped counts, for report sheets


def month_start(d: date) -> datetime:
    return datetime.combine(d.replace(day=1), time(), tzinfo=CST)


def add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, 1)


def overdue_q(today: date) -> Q:
    late = Q(status="received", accept_due__lt=today) | Q(resolve_due__lt=today) | Q(overdue_level__gt=0)
    return Q(status__in=OPEN_STATUSES) & late


def _month_edges(today: date, months: int) -> list[datetime]:
    first = add_months(today.replace(day=1), -(months - 1))
    return [month_start(add_months(first, i)) for i in range(months + 1)]


async def compute(scoped: QuerySet[Case], *, start: datetime | None = None, end: datetime | None = None,
                  trend_months: int = 12, today: date | None = None, whole: bool = False) -> Stats:
    """Statistics of the cases in `scoped`; `start`/`end` limit to cases filed in a period (reports).

    Three queries whatever the size, run at once: the cases grouped by status, category,
    township and rating (with a filtered count for overdue), the cases filed per month of
    the trend, and the resolutions per month. `whole`: `scoped` is every case (county
    roles), so the events need no scope filter.
    """
    today = today or datetime.now(CST).date()
    s = Stats()
    qs = scoped.filter(created_at__gte=start, created_at__lt=end) if start and end else scoped
    edges = _month_edges(today, trend_months) if trend_months else []
    agg: dict[str, Any] = {"n": Count("id"), "late": Count("id", _filter=overdue_q(today))}
    cols = ("status", "category", "township_id", "rating")
    period_start = start or month_start(today)
    period_end = end or datetime.now(timezone.utc) + timedelta(days=1)
    since = min([period_start, *edges[:1]])
    events = CaseEvent.filter(to_status="resolved", kind="resolved", at__gte=since)
    ratings = CaseEvent.filter(kind="rated")
    if start and end:  # a report counts the ratings given in its period; the dashboard, every rating
        ratings = ratings.filter(at__gte=start, at__lt=end)
    if not whole:
        events = events.filter(case_id__in=Subquery(scoped.values("id")))
        ratings = ratings.filter(case_id__in=Subquery(scoped.values("id")))
    eagg: dict[str, Any] = {"period": _cases_resolved(Q(at__gte=period_start, at__lt=period_end))}
    for i in range(trend_months):
        eagg[f"m{i}"] = _cases_resolved(Q(at__gte=edges[i], at__lt=edges[i + 1]))
    # Four independent queries at once (separate pool connections on PostgreSQL).
    rows, filed_row, ev_rows, rating_rows = await asyncio.gather(
        qs.annotate(**agg).group_by(*cols).values(*cols, *agg),
        _filed(scoped, edges, trend_months) if trend_months and not (start and end) else _none(),
        events.annotate(**eagg).values(*eagg),
        ratings.annotate(n=Count("id")).group_by("data").values("data", "n"),
    )
    s.rows = rows
    names = {t.code: t.name for t in await Township.all()}
    for r in rows:
        n = int(r["n"])
        s.total += n
        s.overdue += int(r["late"])
        s.by_status[r["status"]] = s.by_status.get(r["status"], 0) + n
        s.by_category[r["category"]] = s.by_category.get(r["category"], 0) + n
        town = names.get(r["township_id"] or "", r["township_id"] or "未识别")
        s.by_township[town] = s.by_township.get(town, 0) + n
    s.open = sum(s.by_status.get(k, 0) for k in OPEN_STATUSES)
    taken = sum(s.by_status.get(k, 0) for k in TAKEN_ON)
    done = sum(s.by_status.get(k, 0) for k in DONE)
    s.completion_rate = done / taken if taken else None
    for r in rating_rows:  # grouped by the event's data: {"rating": "satisfied" | "unsatisfied"}
        data = json.loads(r["data"]) if isinstance(r["data"], (str, bytes)) else (r["data"] or {})
        s.rated += int(r["n"])
        s.satisfied += int(r["n"]) if data.get("rating") == "satisfied" else 0
    s.satisfaction_rate = s.satisfied / s.rated if s.rated else None

    ev = ev_rows[0]
    s.resolved_in_period = int(ev["period"] or 0)
    s.trend = [(edges[i].strftime("%Y-%m"), filed_row[i], int(ev[f"m{i}"] or 0)) for i in range(trend_months)]
    return s


def _cases_resolved(when: Q) -> Count:
    """Cases with a resolution in `when`: a case resolved twice (reopened after 不满意) counts once."""
    return Count("case_id", distinct=True, _filter=when)


async def _filed(scoped: QuerySet[Case], edges: list[datetime], months: int) -> list[int]:
    """Cases filed in each month of the trend (only the trend's range is read, by the created_at index)."""
    agg = {f"m{i}": Count("id", _filter=Q(created_at__gte=edges[i], created_at__lt=edges[i + 1]))
           for i in range(months)}
    row = (await scoped.filter(created_at__gte=edges[0], created_at__lt=edges[-1]).annotate(**agg).values(*agg))[0]
    return [int(row[f"m{i}"] or 0) for i in range(months)]


async def _none() -> list[int]:
    return []


def matrix(rows: list[dict[str, Any]], column: str) -> dict[str, dict[str, int]]:
    """column value -> status -> cases, from the rows `compute` grouped."""
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        cell = out.setdefault(str(r[column] or ""), {})
        cell[r["status"]] = cell.get(r["status"], 0) + int(r["n"])
    return out


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
