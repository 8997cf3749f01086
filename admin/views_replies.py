"""常用答复 (canned replies): the county admin keeps them per category and status; staff pick one on the case
page when they write to the reporter, then edit it before sending.

    GET  /replies               the list and a form for a new one
    POST /replies               add, or change (`id` given)
    POST /replies/{id}/delete   remove

`offered(case)` is what the case page shows: the replies whose category and status match
the case (an empty one matches any), "{编号}" replaced by the case number. Every change is audited.
"""
from __future__ import annotations

from aiohttp import web

from admin import scope
from admin.web import render, staff_of
from nlp.categories import CATEGORY_NAMES
from storage import audit
from storage.models import STATUS_NAMES, Case
from storage.models.admin import CannedReply

routes = web.RouteTableDef()
MAX_TEXT = 1000  # handlers/cases/actions.py MAX_TEXT: a reply longer than that could not be sent


async def offered(case: Case) -> list[dict[str, str]]:
    rows = await CannedReply.filter(category__in=["", case.category], status__in=["", str(case.status)]).order_by(
        "title", "id")
    return [{"title": r.title, "text": r.text.replace("{编号}", case.number or "")} for r in rows]


async def _page(request: web.Request, *, error: str = "", done: str = "") -> web.Response:
    rows = await CannedReply.all().order_by("category", "status", "title", "id")
    return render(request, "replies.html", {
        "rows": rows, "error": error, "done": done, "categories": CATEGORY_NAMES,
        "statuses": {str(k): v for k, v in STATUS_NAMES.items()}, "max_text": MAX_TEXT,
    }, status=400 if error else 200)


@routes.get("/replies")
async def replies(request: web.Request) -> web.Response:
    scope.require(staff_of(request), scope.ADMIN_ROLES)
    return await _page(request)


@routes.post("/replies")
async def save_reply(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.ADMIN_ROLES)
    form = await request.post()
    category, status = str(form.get("category", "")), str(form.get("status", ""))
    title, text = str(form.get("title", "")).strip(), str(form.get("text", "")).strip()
    if category and category not in CATEGORY_NAMES:
        return await _page(request, error="没有这个问题类别")
    if status and status not in {str(k) for k in STATUS_NAMES}:
        return await _page(request, error="没有这个办理状态")
    if not title or len(title) > 40:
        return await _page(request, error="请填写标题（不超过40个字）")
    if not text or len(text) > MAX_TEXT:
        return await _page(request, error=f"请填写答复内容（不超过{MAX_TEXT}个字）")
    raw_id = str(form.get("id", ""))
    row = await CannedReply.get_or_none(id=int(raw_id)) if raw_id.isdigit() else None
    if raw_id and row is None:
        return await _page(request, error="这条常用答复已被删除")
    actor = f"staff:{staff.id}"
    if row is None:
        row = await CannedReply.create(category=category, status=status, title=title, text=text, updated_by=actor)
    else:
        row.category, row.status, row.title, row.text, row.updated_by = category, status, title, text, actor
        await row.save()
    await audit.append(actor, "canned_reply.saved", str(row.id), {"category": category, "status": status})
    return await _page(request, done=f"已保存“{title}”")


@routes.post(r"/replies/{id:\d+}/delete")
async def delete_reply(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.ADMIN_ROLES)
    row = await CannedReply.get_or_none(id=int(request.match_info["id"]))
    if row is not None:
        await row.delete()
        await audit.append(f"staff:{staff.id}", "canned_reply.deleted", str(row.id), {})
    return await _page(request, done="已删除" if row else "")
