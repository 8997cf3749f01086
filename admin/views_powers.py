"""小微权力清单 in the panel: the list, one item with its flowchart, edit (county admin), import YAML/XLSX.

    GET  /powers                    the list (every reading role)
    GET  /powers/{code}             one item, its flowchart, the report categories it links to
    GET  /powers/{code}/flowchart.svg
    POST /powers/{code}             save an edit (county admin), audited "powers.edit"
    POST /powers/import             a YAML or XLSX file (county admin): every bad row listed, nothing half-imported
"""
from __future__ import annotations

from typing import Any

from aiohttp import web

from admin import scope
from admin.publication_scope import require_read
from admin.web import render, services_of, staff_of
from handlers.publication import powers as power_list
from handlers.publication.flowchart import flowchart_svg
from handlers.publication.power_import import FIELDS, PowerImportFailed, check_row, import_powers, read_rows
from nlp import CATEGORY_IDS, CATEGORY_NAMES
from storage import audit
from storage.models.publication import PowerItem

routes = web.RouteTableDef()
IMPORT_MAX = 5 * 1024 * 1024


async def _list(request: web.Request, **ctx: Any) -> web.Response:
    base = {"items": await PowerItem.all().order_by("position", "id"), "categories": CATEGORY_NAMES,
            "error": "", "problems": [], "imported": None}
    base.update(ctx)
    return render(request, "powers.html", base, status=400 if base["error"] else 200)


@routes.get("/powers")
async def powers_page(request: web.Request) -> web.Response:
    require_read(staff_of(request))
    return await _list(request)


async def _item_or_404(code: str) -> PowerItem:
    item = await PowerItem.get_or_none(code=code)
    if item is None:
        raise web.HTTPNotFound(text="清单中没有这个事项。")
    return item


async def _item_page(request: web.Request, item: PowerItem, *, error: str = "", saved: bool = False) -> web.Response:
    return render(request, "power.html", {"item": item, "categories": CATEGORY_NAMES, "category_ids": CATEGORY_IDS,
                                          "error": error, "saved": saved}, status=400 if error else 200)


@routes.get(r"/powers/{code:[A-Za-z0-9_-]+}")
async def power_page(request: web.Request) -> web.Response:
    require_read(staff_of(request))
    return await _item_page(request, await _item_or_404(request.match_info["code"]))


@routes.get(r"/powers/{code:[A-Za-z0-9_-]+}/flowchart.svg")
async def power_flowchart(request: web.Request) -> web.Response:
    require_read(staff_of(request))
    item = await _item_or_404(request.match_info["code"])
    return web.Response(text=flowchart_svg(item.title, item.steps, item.time_limit), content_type="image/svg+xml")


@routes.post(r"/powers/{code:[A-Za-z0-9_-]+}")
async def power_save(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.ADMIN_ROLES)
    item = await _item_or_404(request.match_info["code"])
    form = await request.post()
    raw: dict[str, Any] = {k: str(form.get(k, "")) for k in FIELDS if k not in ("code", "categories")}
    raw["code"] = item.code
    raw["categories"] = [str(c) for c in form.getall("categories", [])]
    row, why = check_row(raw)
    if row is None:
        return await _item_page(request, item, error=why)
    changed = [k for k in FIELDS if getattr(item, k) != row[k]]
    if changed:
        for k in changed:
            setattr(item, k, row[k])
        await item.save()
        await power_list.changed(services_of(request).redis)
        await audit.append(f"staff:{staff.id}", "powers.edit", f"power:{item.code}", {"fields": changed})
    return await _item_page(request, item, saved=True)


@routes.post("/powers/import")
async def power_import(request: web.Request) -> web.Response:
    staff = staff_of(request)
    scope.require(staff, scope.ADMIN_ROLES)
    form = await request.post()
    upload = form.get("file")
    if not isinstance(upload, web.FileField):
        return await _list(request, error="请选择 YAML 或 XLSX 文件")
    data = upload.file.read(IMPORT_MAX + 1)
    if len(data) > IMPORT_MAX:
        return await _list(request, error="文件太大（最多 5 MB）")
    try:
        rows = read_rows(data=data, name=upload.filename or "")
        result = await import_powers(rows, services_of(request).redis, actor=f"staff:{staff.id}",
                                     skip_bad=form.get("skip_bad") == "1")
    except PowerImportFailed as exc:
        return await _list(request, error=f"{len(exc.problems)} 行有误，未导入任何内容", problems=exc.problems)
    except Exception as exc:  # a broken file: name the kind of problem, never its content
        return await _list(request, error=f"文件无法读取（{type(exc).__name__}）")
    return await _list(request, imported=result)


