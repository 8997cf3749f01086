"""A filing whose answer did not reach the villager is answered again, never filed again.

The answer to a filing can miss the villager: it left past WeChat's 5 s as a customer-service message
while WeChat's API or the worker was down, or the villager's phone lost it. The villager then types the
last answer again (2, 匿名, 跳过, the phone number). The conversation was cleared at filing, so that
message used to meet "没太明白", and the villager started the report over: a second case (issue 14, the
chaos run's duplicates). So the filing's answer is kept, sealed, under the sender's keyed hash for the
flow's idle time, and the same words typed again get it again with a word that nothing more is needed.
A villager who started over all the same and describes the same report word for word gets that answer too.
"""
from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING, Any

from bot.dispatch import Reply
from storage import keys

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("qingfeng.report")

ALREADY = "您的举报已经提交成功,不用再发。刚才的答复再发您一次:\n\n"


def _digest(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()


async def remember(services: "Services", subject: str, said: str, texts: list[str], *, report: str,
                   draft_id: str | None) -> None:
    """After the commit: the words that filed the report, its answer (receipt included), which report and
    draft it was, sealed. Tried twice: a loaded Redis timing out once must not cost the villager a repeat."""
    key = keys.filed_answer(subject)
    doc = json.dumps({"said": said, "texts": texts, "report": _digest(report), "draft": draft_id or ""},
                     ensure_ascii=False)
    for attempt in (1, 2):
        try:
            await services.redis.set(key, services.cipher.seal(doc, aad=key), ex=services.settings.state_ttl_s)
            return
        except Exception as exc:  # the villager has the answer in hand: only a repeat would miss it
            if attempt == 2:
                log.warning("filing's answer not kept for a repeat: %s", type(exc).__name__)


async def _kept(services: "Services", subject: str) -> dict[str, Any] | None:
    key = keys.filed_answer(subject)
    raw = await services.redis.get(key)
    if not raw:
        return None
    try:
        doc = json.loads(services.cipher.open(raw.decode(), aad=key))
    except Exception:  # sealed under a key no longer configured
        return None
    return doc if doc.get("texts") else None


def _answer(doc: dict[str, Any]) -> Reply:
    first, *rest = doc["texts"]
    return Reply.text(ALREADY + first, *rest)


async def again(services: "Services", subject: str, said: str) -> Reply | None:
    """The filing's answer when `said` repeats the words that filed it, else None."""
    doc = await _kept(services, subject)
    return _answer(doc) if doc is not None and doc.get("said") == said else None


async def same_report(services: "Services", subject: str, report: str, draft_id: str | None) -> Reply | None:
    """The answer of the sender's last filing when this new draft describes the same report word for word
    (they started over because the answer never came), else None. The same draft is no repeat: filing it
    again is idempotent by itself (handlers.cases.filing)."""
    doc = await _kept(services, subject)
    if doc is None or doc.get("report") != _digest(report) or doc.get("draft") == (draft_id or ""):
        return None
    return _answer(doc)
