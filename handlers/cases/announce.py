"""Announcements (公示) to village groups through their group robots (WeCom webhook), via the outbox.

Groups are public: an announcement that carries an ID number or a mobile number is refused.
Every announcement is kept in the 公示 archive (handlers.publication.archive) in the same transaction.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tortoise.transactions import in_transaction

from handlers.cases.scope import BadInput, RoleNotAllowed
from storage import audit
from storage.china_time import utcnow
from storage.models import COUNTY_ROLES, OutboxMessage, Role, Staff, WechatGroup

if TYPE_CHECKING:
    from bot.services import Services

TEXT_LIMIT = 2048  # bytes, WeCom's limit for a robot text
_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


async def announce(text: str, group_chat_ids: list[str], actor: Any, services: "Services", *, kind: str = "general",
                   title: str = "") -> int:
    """Queue `text` for each group; returns the number of messages queued. `actor`: a Staff or a name."""
    if isinstance(actor, Staff):
        if Role(actor.role) not in COUNTY_ROLES or not actor.is_active:
            raise RoleNotAllowed("只有县纪委监委的账号可以发布公示")
        who = f"staff:{actor.id}"
    else:
        who = str(actor)
    text = (text or "").strip()
    if not text:
        raise BadInput("公示内容不能为空")
    if len(text.encode()) > TEXT_LIMIT:
        raise BadInput(f"公示内容太长(最多 {TEXT_LIMIT} 字节,约 680 个汉字)")
    if _ID_NUMBER.search(text) or _MOBILE.search(text):
        raise BadInput("公示内容里有身份证号或手机号,村民群是公开的,请删去后再发")
    ids = list(dict.fromkeys(group_chat_ids))
    if not ids:
        raise BadInput("请选择要发布的村民群")
    groups = {g.chat_id: g for g in await WechatGroup.filter(chat_id__in=ids)}
    unknown = [i for i in ids if i not in groups]
    if unknown:
        raise BadInput(f"没有这些群:{', '.join(unknown)}")
    from handlers.village_groups import robot_key

    keys = {i: await robot_key(groups[i], services.cipher) for i in ids}
    silent = [groups[i].name or i for i in ids if not keys[i]]
    if silent:
        raise BadInput(f"这些群没有配置群机器人:{', '.join(silent)}")
    from handlers.publication import archive

    registry = await services.registry()
    async with in_transaction() as conn:
        await archive.record(text, [groups[i] for i in ids], sender=who, office_code=registry.county_code,
                             office_name=registry.county_commission, kind=kind, title=title, using_db=conn)
        await OutboxMessage.bulk_create([
            OutboxMessage(kind="webhook", recipient_enc=services.cipher.seal(keys[i]),
                          payload={"audience": "group", "text": text}, next_attempt_at=utcnow()) for i in ids
        ], using_db=conn)
    await audit.append(who, "announce", f"{len(ids)} groups", {"groups": ids, "chars": len(text)})
    return len(ids)
