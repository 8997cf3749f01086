"""The clerk's worklist: my overdue cases, due this week, waiting for the reporter, new since yesterday.

    overdue   open, past its current deadline or escalated (督办) — admin.stats.overdue_q, the one definition
    week      open, not overdue, current deadline from today to Sunday of this week
    waiting   open, a question to the reporter not answered yet (handlers/cases/questions.py: each answer
              names one question, so more questions than answers means one is open)
    new       filed since yesterday 00:00 (China time), whatever its status

"My" is `scope.cases_for`: the same jurisdiction as the case list. `worklist_mw` puts the counts in the
header of every page a signed-in clerk opens, from Redis: computed at most every CACHE_S seconds per
scope (four COUNTs cost ~0.25 s over 100,000 cases, docs/BENCHMARKS-admin.md), and again at once after
a form of that scope was posted (the clerk sees their own change). /admin/worklist
(admin/views_worklist.py) always counts afresh.
"""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Awaitable, Callable

from aiohttp import web
from tortoise.expressions import Q, Subquery
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from admin import scope
from admin.filters import CST
from admin.stats import overdue_q
from storage.china_time import today as clock_today
from storage import keys
from storage.models import OPEN_STATUSES, Case, CaseEvent, Staff

ITEMS: tuple[tuple[str, str], ...] = (
    ("overdue", "已超期"), ("week", "本周到期"), ("waiting", "待举报人回复"), ("new", "昨日以来新收"))
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CACHE_S = 30


def _due_between(start: date, end: date) -> Q:
    received = Q(status="received", accept_due__gte=start, accept_due__lte=end)
    later = ~Q(status="received") & Q(resolve_due__gte=start, resolve_due__lte=end)
    return Q(status__in=OPEN_STATUSES) & (received | later)


async def _waiting_ids(scoped: QuerySet[Case]) -> list[int]:
    open_ids = Subquery(scoped.filter(status__in=OPEN_STATUSES).values("id"))
    rows = await (CaseEvent.filter(case_id__in=open_ids, kind__in=("question", "answer"))
                  .annotate(n=Count("id")).group_by("case_id", "kind").values("case_id", "kind", "n"))
    asked: dict[int, int] = {}
    for r in rows:
        asked[r["case_id"]] = asked.get(r["case_id"], 0) + (r["n"] if r["kind"] == "question" else -r["n"])
    return sorted(cid for cid, left in asked.items() if left > 0)


async def item(scoped: QuerySet[Case], key: str, today: date) -> QuerySet[Case]:
    """The cases of one worklist item, within `scoped`."""
    if key == "overdue":
        return scoped.filter(overdue_q(today))
    if key == "week":
        # due from today on is not past due; escalated ones are overdue (no .exclude: NULL dues would drop all)
        return scoped.filter(_due_between(today, today + timedelta(days=6 - today.weekday())), overdue_level=0)
    if key == "waiting":
        return scoped.filter(id__in=await _waiting_ids(scoped))
    if key == "new":
        return scoped.filter(created_at__gte=datetime.combine(today - timedelta(days=1), time(), tzinfo=CST))
    raise KeyError(key)


async def counts(scoped: QuerySet[Case], today: date) -> dict[str, int]:
    return {key: await (await item(scoped, key, today)).count() for key, _ in ITEMS}


async def header_counts(request: web.Request, staff: Staff) -> dict[str, int]:
    from admin.views_dashboard import scope_key
    from admin.web import services_of

    services = services_of(request)
    day, key = clock_today(services.clock).isoformat(), keys.worklist_counts(scope_key(staff))
    raw = await services.redis.get(key)
    cached = json.loads(raw) if raw else {}
    if cached.get("day") == day:  # a new day moves every deadline: counted again
        return dict(cached["counts"])
    found = await counts(scope.cases_for(staff, await scope.county_of(request)), clock_today(services.clock))
    await services.redis.set(key, json.dumps({"day": day, "counts": found}), ex=CACHE_S)
    return found


@web.middleware
async def worklist_mw(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The header's counts, for pages a clerk with cases opens (not files, not the auditor)."""
    staff = request.get("staff")
    session = request.get("qf_session")
    if staff is None or session is None or session.stage != "full" or scope.role(staff) not in scope.CASE_ROLES:
        return await handler(request)
    if request.method == "POST":  # the page after this form counts afresh, whatever the form did
        from admin.views_dashboard import scope_key
        from admin.web import services_of

        try:
            return await handler(request)
        finally:
            await services_of(request).redis.delete(keys.worklist_counts(scope_key(staff)))
    if request.method == "GET" and not request.path.endswith((".xlsx", ".docx", ".pdf", ".json")) \
            and "/attachments/" not in request.path:
        request["worklist"] = await header_counts(request, staff)
    return await handler(request)
