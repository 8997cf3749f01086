"""立即比对: county staff run the comparison from the panel, as a background job with its progress.

    POST /findings/run        start a run (county roles; one at a time), back to /findings#compare-job
    GET  /findings/run.json   the job: state running | done | failed, step / steps, what runs now, the counts

The run itself is handlers.compare.job (an asyncio task on this server, progress in Redis); the page
shows the job's card (templates/_compare_job.html) and static/compare_job.js refreshes it.
"""
from __future__ import annotations

from typing import Any

from aiohttp import web

from admin import scope
from admin.web import services_of, staff_of
from handlers.compare import RULES_BY_NAME, job
from storage import audit
from storage.models import COUNTY_ROLES

routes = web.RouteTableDef()
STATE_NAMES = {"running": "正在比对", "done": "比对完成", "failed": "比对失败"}


def job_view(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    """The job as the page shows it: names, not rule ids."""
    if raw is None:
        return None
    view = dict(raw, state_name=STATE_NAMES.get(raw.get("state", ""), ""))
    view["percent"] = int(100 * raw.get("step", 0) / raw["steps"]) if raw.get("steps") else 0
    view["rows"] = [(RULES_BY_NAME[k].title if k in RULES_BY_NAME else k, n, raw.get("new", {}).get(k, 0))
                    for k, n in raw.get("found", {}).items()]
    return view


def may_run(staff: Any) -> bool:
    return scope.role(staff) in COUNTY_ROLES


@routes.post("/findings/run")
async def run_comparison(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, frozenset(COUNTY_ROLES))
    started = await job.start(services_of(request), actor=f"staff:{staff.id}")
    if started:
        await audit.append(f"staff:{staff.id}", "compare.start", "", {})
    raise web.HTTPSeeOther("/admin/findings" + ("" if started else "?busy=1") + "#compare-job")


@routes.get("/findings/run.json")
async def job_status(request: web.Request) -> web.Response:
    scope.require(staff_of(request), frozenset(COUNTY_ROLES))
    view = job_view(await job.status(services_of(request).redis))
    return web.json_response(view or {"state": "none"})
