"""关注 and 码上监督: following the account, and scanning a village's supervision QR code.

    subscribe (official account) ─────────────────────────────> welcome
    subscribe, EventKey scanbarcode|… / scanimage|… (a product) ─> welcome
    subscribe, EventKey qrscene_<village>  ┐
    SCAN, EventKey <village> (a follower)  ┴─> "您扫的是X村的监督码" (+ welcome on a follow);
                                              the village is kept for that villager's next report
    subscribe (WeCom: a member joined the app) ─> a note for staff, not the villagers' welcome
    any other event ──> no answer (`success`): the dispatcher's fallback

A village's QR code carries its registry code as the scene (`qingfeng` panel: 村监督码). The
village is kept under the sender's hashed subject, never the openid, and used by the report flow
(handlers.report) as the default place; it runs out after SCANNED_TTL_S.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.dispatch import Flow, Inbound, Reply, on_event
from bot.dispatch.dispatcher import Sender
from handlers.help import WELCOME_TEXT
from storage import keys

if TYPE_CHECKING:
    from redis.asyncio import Redis

SCANNED_TTL_S = 7 * 24 * 3600
STAFF_WELCOME = "欢迎使用清风工作台。有新的案件会在这里通知您;回复【帮助】查看可用的指令。"
SCANNED = ("您扫的是{place}的监督码。现在回复【举报】反映问题,地点会自动填为{place}"
           "(7天内有效);查补贴请回复【查补贴】。")


def _mp(msg: Inbound, ctx: dict[str, Any]) -> bool:
    return msg.channel == "mp"


def _work(msg: Inbound, ctx: dict[str, Any]) -> bool:
    return msg.channel == "work"


async def remember_village(scene: str, user: Sender, redis: Redis, registry: Any) -> str:
    """The label of the scanned village ("" when the scene is no village of the registry)."""
    village = registry.villages.get(scene.strip())
    if village is None:
        return ""
    await redis.set(keys.scanned_village(user.subject), village.code, ex=SCANNED_TTL_S)
    return str(registry.place_label(village.township, village.code))


async def scanned_village(user: Sender, redis: Redis) -> str:
    raw = await redis.get(keys.scanned_village(user.subject))
    return raw.decode() if isinstance(raw, bytes) else (raw or "")


async def forget_village(user: Sender, redis: Redis) -> None:
    await redis.delete(keys.scanned_village(user.subject))


async def welcome(msg: Inbound) -> Reply:
    return Reply.text(WELCOME_TEXT)


async def welcome_product(msg: Inbound) -> Reply:
    return Reply.text(WELCOME_TEXT)


async def welcome_scan(msg: Inbound, user: Sender, redis: Redis, registry: Any) -> Reply:
    place = await remember_village(msg.event_key, user, redis, registry)
    return Reply.text(WELCOME_TEXT + ("\n\n" + SCANNED.format(place=place) if place else ""))


async def scan(msg: Inbound, user: Sender, redis: Redis, registry: Any) -> Reply:
    place = await remember_village(msg.event_key, user, redis, registry)
    return Reply.text(SCANNED.format(place=place)) if place else Reply.empty()


async def staff_welcome(msg: Inbound) -> Reply:
    return Reply.text(STAFF_WELCOME)


FLOW = Flow(
    "follow",
    entry_points=[
        on_event("subscribe", welcome, _mp),
        on_event("subscribe_scan_product", welcome_product, _mp),
        on_event("subscribe_scan", welcome_scan, _mp),
        on_event("scan", scan, _mp),
        on_event("subscribe", staff_welcome, _work),
    ],
    states={},
    fallbacks=[],  # any other event: the dispatcher's fallback answers `success`
    exits=(),
    timeout=None,
)
follow_router = FLOW.router()
