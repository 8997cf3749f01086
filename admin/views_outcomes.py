"""查处结果公开 in the panel: the office proposes a closed case's outcome, a second county person reviews it.

    GET  /outcomes                   closed cases in scope without a published outcome, pending reviews, published
    POST /outcomes/propose           case id, result (fixed list), optional public summary — audited
    POST /outcomes/{id}/review       publish or withdraw (county roles, not the proposer) — audited

Cases come from admin.scope.visible_cases(request): a case routed away from a township is never listed to it.
"""
from __future__ import annotations

from typing import Any

from aiohttp import web
from tortoise.expressions import Subquery

from admin import scope
from admin.publication_scope import is_county, require_read
from admin.web import render, services_of, staff_of
from handlers.publication import outcomes as O
from storage.models.publication import Outcome, OutcomeStatus

routes = web.RouteTableDef()


async def _page(request: web.Request, **ctx: Any) -> web.Response:
    staff = staff_of(request)
    registry = await services_of(request).registry()
    mine = await scope.visible_cases(request)
    taken = Subquery(Outcome.filter(status__in=[OutcomeStatus.PENDING, OutcomeStatus.PUBLISHED]).values("case_id"))
    closed = await mine.filter(status__in=list(O.CLOSED)).exclude(id__in=taken).order_by("-id").limit(50) \
        if scope.may_act(staff) else []
    case_ids = await mine.values_list("id", flat=True)
    pending = await Outcome.filter(status=OutcomeStatus.PENDING, case_id__in=list(case_ids)) \
        .prefetch_related("case").order_by("-id")
    published = await O.published().limit(50)
    base = {"closed": closed, "pending": pending, "published": [O.public(o, registry) for o in published],
            "results": O.RESULTS, "registry": registry, "can_review": is_county(staff), "error": "",
            "line": O.line, "me_actor": f"staff:{staff.id}"}
    base.update(ctx)
    return render(request, "outcomes.html", base, status=400 if base["error"] else 200)


@routes.get("/outcomes")
async def outcomes_page(request: web.Request) -> web.Response:
    require_read(staff_of(request))
    return await _page(request)


@routes.post("/outcomes/propose")
async def outcome_propose(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.ACTING_ROLES)
    form = await request.post()
    case = await scope.case_or_404(request, str(form.get("case", "")))
    try:
        await O.propose(case, str(form.get("result", "")), str(form.get("summary", "")), staff)
    except O.OutcomeRefused as exc:
        return await _page(request, error=str(exc))
    raise web.HTTPSeeOther("/admin/outcomes")


@routes.post(r"/outcomes/{id:\d+}/review")
async def outcome_review(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.ACTING_ROLES)
    outcome = await Outcome.get_or_none(id=int(request.match_info["id"]))
    if outcome is None or not await (await scope.visible_cases(request)).filter(id=outcome.case_id).exists():  # type: ignore[attr-defined]
        raise web.HTTPNotFound(text="没有这条查处结果。")
    form = await request.post()
    try:
        await O.review(outcome, staff, publish=form.get("decision") == "publish")
    except O.OutcomeRefused as exc:
        return await _page(request, error=str(exc))
    raise web.HTTPSeeOther("/admin/outcomes")
