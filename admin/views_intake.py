"""Manual intake (来信、来访、来电、12388 登记): the form, and filing what it carries (handlers/cases/intake.py).

    GET  /intake    the form, with a fresh token (a double submit files one case)
    POST /intake    file it: the same ledger and routing as a WeChat report; shows the number and the
                    receipt once (never in a URL), or the form again with what was wrong

Staff who handle cases may register (county and township staff); the routing, not the
registering office, decides who handles the case, so a township clerk's letter about the
township's own leaders goes to the county like any other report.
"""
from __future__ import annotations

from typing import Any

from aiohttp import web

from admin import scope
from admin.web import render, services_of, staff_of
from handlers.cases.filing import Filed
from handlers.cases.intake import MAX_FILES, ManualReport, Upload, file_manual, new_intake_token
from handlers.cases.numbers import format_receipt
from handlers.cases.scope import ActionError
from nlp.categories import CATEGORY_NAMES
from storage.models import CHANNEL_NAMES, INTAKE_CHANNELS, Township, Village

routes = web.RouteTableDef()
FIELDS = ("channel", "text", "category", "township", "village", "name", "phone", "platform_ref")


async def _form(request: web.Request, *, values: dict[str, str] | None = None, error: str = "",
                token: str = "") -> web.Response:
    staff = staff_of(request)
    towns = Township.all().order_by("code")
    villages = Village.all().order_by("code")
    if not scope.is_county(staff):  # a township clerk registers what reached the township, mostly
        towns = towns.filter(code=staff.scope_code)
        villages = villages.filter(township_id=staff.scope_code)
    return render(request, "intake.html", {
        "token": token or new_intake_token(), "values": values or {}, "error": error,
        "channels": [(c, CHANNEL_NAMES[c]) for c in INTAKE_CHANNELS], "categories": CATEGORY_NAMES,
        "towns": await towns.values("code", "name"), "villages": await villages.values("code", "name", "township_id"),
        "max_files": MAX_FILES,
    }, status=400 if error else 200)


@routes.get("/intake")
async def intake_form(request: web.Request) -> web.Response:
    scope.require(staff_of(request), scope.ACTING_ROLES)
    return await _form(request)


@routes.post("/intake")
async def intake_file(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.ACTING_ROLES)
    post = await request.post()
    values = {k: str(post.get(k, "") or "") for k in FIELDS}
    files: list[Upload] = []
    for item in post.getall("files", []):
        if isinstance(item, web.FileField):
            data = item.file.read()
            if data:  # an empty file input sends an empty part
                files.append(Upload(data, item.content_type or ""))
    token = str(post.get("token", ""))
    report = ManualReport(token=token, files=files, **values)
    try:
        filed = await file_manual(report, actor_staff=staff, services=services_of(request))
    except ActionError as exc:
        return await _form(request, values=values, error=str(exc), token=token)
    return await _done(request, filed)


async def _done(request: web.Request, filed: Filed) -> web.Response:
    case = filed.case
    visible = await (await scope.visible_cases(request)).filter(id=case.id).exists()
    ctx: dict[str, Any] = {
        "number": case.number, "case_id": case.id if visible else None, "accepted": filed.accepted,
        "receipt": format_receipt(filed.receipt) if filed.receipt else "", "again": filed.again,
        "channel": CHANNEL_NAMES.get(case.channel, case.channel), "route_reason": case.route_reason,
    }
    return render(request, "intake_done.html", ctx)
