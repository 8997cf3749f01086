"""Registry, staff and announcements (county admin).

    /registry         townships, villages, zones, elevated villages, bound groups (read; imports: CLI)
    /staff            accounts and their bindings; new account; (de)activate; one-time binding codes
    /announce         a 公示 to chosen village groups (handlers.cases.announce)
"""
from __future__ import annotations

from aiohttp import web

from admin import accounts, scope
from admin.web import render, services_of, staff_of
from handlers.cases.announce import announce
from handlers.cases.binding import CODE_TTL_S, issue_binding_code
from handlers.cases.scope import ActionError
from handlers.village_groups import groups_overview
from storage import audit
from storage.models import CHANNEL_NAMES, County, Role, Staff, StaffBinding, Township, Village, Zone

routes = web.RouteTableDef()


@routes.get("/registry")
async def registry(request: web.Request) -> web.Response:
    scope.require(staff_of(request), scope.ADMIN_ROLES)
    villages = await Village.all().order_by("code").values("code", "name", "township_id", "elevated", "aliases")
    groups = await groups_overview()
    return render(request, "registry.html", {
        "county": await County.first(),
        "zones": await Zone.all().order_by("id"),
        "townships": await Township.all().order_by("code").values("code", "name", "commission", "zone_id",
                                                                    "aliases"),
        "villages": villages,
        "village_names": {v["code"]: v["name"] for v in villages},
        "groups": [{"chat_id": g.chat_id, "name": g.name, "village_id": g.village_code, "has_robot": bool(g.key_hint)}
                   for g in groups],
    })


async def _staff_page(request: web.Request, **ctx: object) -> web.Response:
    people = await Staff.all().order_by("role", "username")
    counts: dict[int, list[str]] = {}
    for sid, channel in await StaffBinding.all().values_list("staff_id", "channel"):
        counts.setdefault(sid, []).append(CHANNEL_NAMES.get(channel, channel))
    reg = await services_of(request).registry()
    scope_names = {c: v.name for c, v in reg.villages.items()} | {c: t.name for c, t in reg.townships.items()}
    scope_names[reg.county_code] = reg.county_name
    base: dict[str, object] = {"people": people, "bindings": counts, "roles": [r.value for r in Role],
                               "scope_names": scope_names,
                               "code": None, "code_for": None, "ttl_min": CODE_TTL_S // 60, "error": "",
                               "created": None}
    base.update(ctx)
    return render(request, "staff.html", base, status=400 if base["error"] else 200)


@routes.get("/staff")
async def staff_list(request: web.Request) -> web.Response:
    scope.require(staff_of(request), scope.ADMIN_ROLES)
    return await _staff_page(request)


@routes.post("/staff")
async def staff_create(request: web.Request) -> web.Response:
    me = staff_of(request)
    scope.require(me, scope.ADMIN_ROLES)
    form = await request.post()
    f = {k: str(form.get(k, "")).strip() for k in ("username", "role", "scope_code", "password", "display_name")}
    try:
        created = await accounts.create_user(f["username"], f["role"], f["scope_code"], f["password"],
                                             f["display_name"])
    except accounts.AccountError as exc:
        return await _staff_page(request, error=str(exc))
    await audit.append(f"staff:{me.id}", "staff.create", created.username,
                       {"role": created.role, "scope": created.scope_code})
    return await _staff_page(request, created=created)


@routes.post(r"/staff/{id:\d+}/active")
async def staff_active(request: web.Request) -> web.Response:
    me = staff_of(request)
    scope.require(me, scope.ADMIN_ROLES)
    target = await Staff.get_or_none(id=int(request.match_info["id"]))
    if target is None:
        raise web.HTTPNotFound(text="没有这个账户。")
    if target.id == me.id:
        return await _staff_page(request, error="不能停用自己的账号。")
    target.is_active = (await request.post()).get("active") == "1"
    await target.save(update_fields=["is_active"])
    await audit.append(f"staff:{me.id}", "staff.activate" if target.is_active else "staff.deactivate",
                       target.username, {})
    raise web.HTTPSeeOther("/admin/staff")


@routes.post(r"/staff/{id:\d+}/bindcode")
async def staff_bindcode(request: web.Request) -> web.Response:
    scope.require(staff_of(request), scope.ADMIN_ROLES)
    target = await Staff.get_or_none(id=int(request.match_info["id"]))
    if target is None:
        raise web.HTTPNotFound(text="没有这个账户。")
    try:
        code = await issue_binding_code(target.id, services_of(request).redis)
    except ValueError as exc:
        return await _staff_page(request, error=str(exc))
    return await _staff_page(request, code=code, code_for=target)


@routes.get("/announce")
async def announce_form(request: web.Request) -> web.Response:
    scope.require(staff_of(request), scope.ADMIN_ROLES)
    return await _announce_page(request)


async def _announce_page(request: web.Request, **ctx: object) -> web.Response:
    base: dict[str, object] = {"groups": await groups_overview(), "sent": None, "error": "", "text": "", "chosen": []}
    base.update(ctx)
    return render(request, "announce.html", base, status=400 if base["error"] else 200)


@routes.post("/announce")
async def announce_send(request: web.Request) -> web.Response:
    me = staff_of(request)
    scope.require(me, scope.ADMIN_ROLES)
    form = await request.post()
    text = str(form.get("text", ""))
    chosen = [str(v) for v in form.getall("group", [])]
    try:
        sent = await announce(text, chosen, me, services_of(request))
    except ActionError as exc:
        return await _announce_page(request, error=exc.message, text=text, chosen=chosen)
    return await _announce_page(request, sent=sent)
