"""Questions a notice asked its reporter (办结 → 请您评价), kept so the answer works whatever flow ran last.

    notify: the 办结 payload carries "asks": "rating"
    delivery: sent ──> asked(channel, openid, case)        (Redis, keyed by the subject hash, sealed)
    handlers.rating: a text that reads like an answer ──> pending(subject) ──> rated ──> answered(subject, case)

The value holds case ids and when they were asked, sealed with the data key (a Redis dump does not tell which
villager reported which case); it lives PENDING_TTL_S after the last notice.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storage import keys

if TYPE_CHECKING:
    from bot.services import Services

PENDING_TTL_S = 14 * 24 * 3600
CHAT_CHANNELS = frozenset({"mp", "work"})  # where a typed answer can come back


@dataclass(frozen=True)
class Asked:
    case_id: int
    at: float


async def _read(services: "Services", key: str) -> dict[str, float]:
    raw = await services.redis.get(key)
    if not raw:
        return {}
    try:
        return {k: float(v) for k, v in json.loads(services.cipher.open(raw.decode(), aad=key)).items()}
    except Exception:  # a key no longer configured: the question is forgotten, 查询进度 still rates
        return {}


async def _write(services: "Services", key: str, asked: dict[str, float]) -> None:
    if asked:
        await services.redis.set(key, services.cipher.seal(json.dumps(asked), aad=key), ex=PENDING_TTL_S)
    else:
        await services.redis.delete(key)


async def asked(services: "Services", channel: str, openid: str, case_id: int) -> None:
    """The notice about `case_id` that asks for a rating has reached the villager."""
    if channel not in CHAT_CHANNELS:
        return
    key = keys.pending_question(services.cipher.subject_hash(channel, openid))
    found = await _read(services, key)
    found[str(case_id)] = time.time()  # the clock ConversationState.changed_at uses
    await _write(services, key, found)


async def pending(services: "Services", subject: str) -> list[Asked]:
    """The cases this villager was asked to rate, the oldest question first."""
    found = await _read(services, keys.pending_question(subject))
    return sorted((Asked(int(k), v) for k, v in found.items()), key=lambda a: (a.at, a.case_id))


async def answered(services: "Services", subject: str, *case_ids: int) -> None:
    key = keys.pending_question(subject)
    found = await _read(services, key)
    for cid in case_ids:
        found.pop(str(cid), None)
    await _write(services, key, found)
