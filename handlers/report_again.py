"""A filing whose answer did not reach the villager is answered again, never filed again.

The answer to a filing can miss the villager: it left past WeChat's 5 s as a customer-service message
while WeChat's API or the worker was down, or the villager's phone lost it. The villager then types the
last answer again (2, 匿名, 跳过, the phone number). The conversation was cleared at filing, so that
message used to meet "没太明白", and the villager started the report over: a second case (issue 14, the
chaos run's duplicates). So the filing's answer is kept, sealed, under the sender's keyed hash for the
flow's idle time, and the same words typed again get it again with a word that nothing more is needed.
"""
from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from bot.dispatch import Reply
from storage import keys

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("qingfeng.report")

ALREADY = "您的举报已经提交成功,不用再发。刚才的答复再发您一次:\n\n"


async def remember(services: "Services", subject: str, said: str, texts: list[str]) -> None:
    """After the commit: the words that filed the report and its answer (receipt included), sealed."""
    key = keys.filed_answer(subject)
    doc = json.dumps({"said": said, "texts": texts}, ensure_ascii=False)
    try:
        await services.redis.set(key, services.cipher.seal(doc, aad=key), ex=services.settings.state_ttl_s)
    except Exception as exc:  # the villager has the answer in hand: only a repeat would miss it
        log.warning("filing's answer not kept for a repeat: %s", type(exc).__name__)


async def again(services: "Services", subject: str, said: str) -> Reply | None:
    """The filing's answer when `said` repeats the words that filed it, else None."""
    key = keys.filed_answer(subject)
    raw = await services.redis.get(key)
    if not raw:
        return None
    try:
        doc = json.loads(services.cipher.open(raw.decode(), aad=key))
    except Exception:  # sealed under a key no longer configured
        return None
    if doc.get("said") != said or not doc.get("texts"):
        return None
    first, *rest = doc["texts"]
    return Reply.text(ALREADY + first, *rest)
