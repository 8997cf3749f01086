"""Village groups: bind a WeCom group (by its chat id) to one village, with its group-robot key.

    bind_group(chat_id, village, webhook_key=..., name=..., actor=..., cipher=...) -> BoundGroup
    robot_key(group, cipher) -> str        the key, unsealed, for the outbox only
    groups_overview() -> list[BoundGroup]  for the panel and `qingfeng groups list`

VILLAGE is a registry code or a unique name (the import rules of SPEC: a name that is not
unique is an error naming the candidates). The robot key is a secret: stored sealed
(operator_group_robot), shown only as its last 4 characters, never logged; the legacy
plain `wechat_group.webhook_key` is emptied on the next bind.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tortoise.transactions import in_transaction

from storage import audit
from storage.models import Village, WechatGroup
from storage.models.operator import GroupRobot
from storage.operator_keys import robot_aad

_CHAT_ID = re.compile(r"^[A-Za-z0-9_@.\-]{1,64}$")
_KEY = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


class GroupBindError(ValueError):
    """Bad input to a binding; the message is precise enough for an admin to fix it."""


@dataclass(frozen=True)
class BoundGroup:
    chat_id: str
    name: str
    village_code: str
    village_name: str
    township_name: str
    key_hint: str  # "" when no robot; else "••••" + last 4 characters


def masked(hint: str) -> str:
    return f"••••{hint}" if hint else ""


def parse_webhook_key(raw: str) -> str:
    """The key itself, from the key or from the robot's full webhook address (…/webhook/send?key=…)."""
    raw = raw.strip()
    if raw.startswith(("http://", "https://")):
        raw = (parse_qs(urlsplit(raw).query).get("key") or [""])[0]
    if not _KEY.match(raw):
        raise GroupBindError("webhook key: expected the group robot's key (letters, digits and '-', 8-64 characters) "
                             "or its webhook address with ?key=…")
    return raw


async def resolve_village(ref: str) -> Village:
    """A village by registry code or unique name (or alias, or 镇名+村名)."""
    from storage.subsidy_import import load_resolver

    ref = ref.strip()
    resolver = await load_resolver()
    code, problem = resolver(ref)
    if code:
        return await Village.get(code=code)
    if ref and "不唯一" in problem:
        candidates = await Village.filter(name=ref).prefetch_related("township").order_by("code")
        listed = ", ".join(f"{v.code} ({v.township.name}{v.name})" for v in candidates)
        raise GroupBindError(f"village name {ref!r} is not unique: {listed or 'several villages'}; "
                             f"give the registry code instead")
    raise GroupBindError(f"village {ref!r}: no such registry code or village name (import the registry first?)")


async def bind_group(chat_id: str, village_ref: str, *, webhook_key: str | None = None, name: str | None = None,
                     actor: str, cipher: Any) -> BoundGroup:
    """Bind (or re-bind) a group; a given key replaces the old one, an empty string removes it."""
    chat_id = chat_id.strip()
    if not _CHAT_ID.match(chat_id):
        raise GroupBindError("chat id: expected WeCom's group chat id (letters, digits, _ @ . -, at most 64)")
    village = await resolve_village(village_ref)
    key = parse_webhook_key(webhook_key) if webhook_key else None
    async with in_transaction() as conn:
        group = await WechatGroup.get_or_none(chat_id=chat_id).using_db(conn)
        moved_from = group.village_id if group else None
        if group is None:
            group = await WechatGroup.create(chat_id=chat_id, name=(name or "")[:64], village=village,
                                             webhook_key="", using_db=conn)
        else:
            group.village = village
            group.name = (name if name is not None else group.name)[:64]
            group.webhook_key = ""  # a plain key from before sealing is never kept
            await group.save(using_db=conn)
        if webhook_key == "":
            await GroupRobot.filter(group_id=chat_id).using_db(conn).delete()
        elif key is not None:
            await GroupRobot.update_or_create(group_id=chat_id, defaults={"key_enc": cipher.seal(key, aad=robot_aad(chat_id)),
                                                                           "key_hint": key[-4:]}, using_db=conn)
    await audit.append(actor[:64], "group.bind", f"group:{chat_id}",
                       {"village": village.code, "from": moved_from, "robot": key is not None})
    return (await groups_overview(chat_id))[0]


async def robot_key(group: WechatGroup, cipher: Any) -> str:
    """The group's robot key ("" when none): sealed row first, then a legacy plain column."""
    robot = await GroupRobot.get_or_none(group_id=group.chat_id)
    if robot is not None:
        return str(cipher.open(robot.key_enc, aad=robot_aad(group.chat_id)))
    return group.webhook_key or ""


async def groups_overview(chat_id: str | None = None) -> list[BoundGroup]:
    q = WechatGroup.all() if chat_id is None else WechatGroup.filter(chat_id=chat_id)
    groups = await q.prefetch_related("village__township").order_by("village_id", "chat_id")
    hints = dict(await GroupRobot.filter(group_id__in=[g.chat_id for g in groups]).values_list("group_id", "key_hint"))
    return [BoundGroup(g.chat_id, g.name, g.village.code, g.village.name, g.village.township.name,
                       masked(hints.get(g.chat_id) or (g.webhook_key[-4:] if g.webhook_key else "")))
            for g in groups]
