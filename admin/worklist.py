"""The clerk's worklist: my overdue cases, due this week, waiting for the reporter, new since yesterday.

    overdue   open, past its current deadline or escalated (督办) — admin.stats.overdue_q, the one definition
    week      open, not overdue, current deadline from today to Sunday of this week
    waiting   open, a question to the reporter not answered yet (handlers/cases/questions.py: each answer
              names one question, so more questions than answers means one is open)
    new       filed since yesterday 00:00 (China time), whatever its status

"My" is `scope.cases_for`: the same jurisdiction as the case list. `worklist_mw` counts them on every page
a signed-in clerk opens (four COUNT queries on indexed columns), for the header; the page
/admin/worklist (admin/views_worklist.py) lists them.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Awaitable, Callable

from aiohttp import web
from tortoise.expressions import Q, Subquery
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from admin import scope
from admin.filters import CST
from admin.stats import overdue_q
from handlers.cases.deadlines import today as clock_today
from storage.models import OPEN_STATUSES, Case, CaseEvent

ITEMS: tuple[tuple[str, str], ...] = (
    ("overdue", "已超期"), ("week", "本周到期"), ("waiting", "待举报人回复"), ("new", "昨日以来新收"))
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


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


@web.middleware
async def worklist_mw(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The header's counts, for pages a clerk with cases opens (not files, not the auditor)."""
    staff = request.get("staff")
    session = request.get("qf_session")
    if (request.method == "GET" and staff is not None and session is not None and session.stage == "full"
            and scope.role(staff) in scope.CASE_ROLES and not request.path.endswith((".xlsx", ".docx", ".pdf"))
            and "/attachments/" not in request.path):
        from admin.web import services_of

        scoped = scope.cases_for(staff, await scope.county_of(request))
        request["worklist"] = await counts(scoped, clock_today(services_of(request)))
    return await handler(request)
