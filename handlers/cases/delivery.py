"""The outbox sender: claims due messages atomically, sends them, retries with backoff.

    pending ──claim──> sending (lease: next_attempt_at = now + lease, attempts + 1)
    sending ──ok──> sent (each message marked on its own, the moment WeChat accepts it)
    sending ──transport error, busy, rate limit, token trouble, any unlisted errcode──> pending,
            next try after base·2^(attempts-1), capped (QINGFENG_OUTBOX_BACKOFF_CAP): never final
    sending ──a definitive refusal (wechat_api.REFUSALS: 43004 unfollowed, 40003 bad openid…)──> failed,
            shown in the panel (admin/views_outbox.py) with its Chinese name and a re-send button
    sending ──worker killed──> the lease runs out and any worker claims it again: nothing is lost

A claim is one statement (UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) on
PostgreSQL; SQLite serialises writers), so two workers never hold the same row.
Each result is written only if `attempts` still equals the claimed value: a worker
whose lease ran out cannot overwrite the work of the worker that took over.
At-least-once: a worker killed between WeChat's answer and the mark re-sends only the
messages it had in flight (at most `concurrency`).

Late replies to a villager (`enqueue_replies`) travel sealed and are forgotten (recipient and
text blanked) once sent or refused: an anonymous reporter's receipt never sits beside an openid.
"""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from tortoise import Tortoise

from bot.config import OutboxSettings
from bot.wechat_api import CS_QUOTA
from storage.china_time import utcnow
from storage.sql import Sql
from storage import keys

if TYPE_CHECKING:
    from bot.services import Services
    from storage.crypto import PersonalDataCipher

log = logging.getLogger("qingfeng.delivery")

OUT_OF_WINDOW = 45015  # customer-service message outside the 48 h window
TEMPLATE_INSTEAD = {OUT_OF_WINDOW, CS_QUOTA}  # a customer-service text that a template message replaces
WINDOW_S = 48 * 3600


# The sender's knobs are Settings.outbox (QINGFENG_OUTBOX_*); tests pass their own.
DeliveryConfig = OutboxSettings


@dataclass
class DeliveryStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    lost_lease: int = 0

    def add(self, other: "DeliveryStats") -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.lost_lease += other.lost_lease


@dataclass(frozen=True)
class Claimed:
    id: int
    case_id: int | None
    attempts: int
    kind: str
    recipient_enc: str
    payload: dict[str, Any]


async def claim(config: DeliveryConfig, limit: int | None = None) -> list[Claimed]:
    q = Sql(Tortoise.get_connection("default"))
    now = utcnow()
    lock = "FOR UPDATE SKIP LOCKED" if q.pg else ""
    rows = await q.rows(
        f"UPDATE outbox_message SET status = 'sending', attempts = attempts + 1, next_attempt_at = {q.ts('lease')} "
        f"WHERE id IN (SELECT id FROM outbox_message WHERE status IN ('pending', 'sending') "
        f"AND next_attempt_at <= {q.ts('now')} ORDER BY next_attempt_at, id LIMIT :limit {lock}) "
        f"RETURNING id, case_id, attempts, kind, recipient_enc, payload",
        {"now": now, "lease": now + timedelta(seconds=config.lease_s), "limit": limit or config.batch})
    out = []
    for r in rows:
        payload = r["payload"]
        out.append(Claimed(int(r["id"]), r["case_id"], int(r["attempts"]), r["kind"], r["recipient_enc"],
                           json.loads(payload) if isinstance(payload, (str, bytes)) else dict(payload)))
    return sorted(out, key=lambda c: c.id)


async def _finish(c: Claimed, status: str, error: str = "", retry_in: float = 0.0) -> bool:
    q = Sql(Tortoise.get_connection("default"))
    now = utcnow()
    forget = ", recipient_enc = '', payload = '{}'" if "sealed" in c.payload and status != "pending" else ""
    changed = await q.execute(
        f"UPDATE outbox_message SET status = :status, last_error = :error{forget}, "
        f"sent_at = CASE WHEN :status2 = 'sent' THEN {q.ts('now')} ELSE sent_at END, "
        f"next_attempt_at = {q.ts('next')} "
        f"WHERE id = :id AND status = 'sending' AND attempts = :attempts",
        {"status": status, "status2": status, "error": error[:500], "now": now,
         "next": now + timedelta(seconds=retry_in), "id": c.id, "attempts": c.attempts})
    return changed == 1


async def send(c: Claimed, services: "Services") -> None:
    """One message, by kind. Raises WeChatAPIError (or DecryptionError, KeyError) on failure."""
    from bot.wechat_api import WeChatAPIError

    from bot.wechat_templates import message_of

    target = services.cipher.open(c.recipient_enc)
    p = json.loads(services.cipher.open(c.payload["sealed"])) if "sealed" in c.payload else c.payload
    tpl = p.get("template") or {}
    if c.kind == "custom_text":
        if await services.redis.exists(keys.last_seen(services.cipher.subject_hash(p.get("channel", "mp"), target))):
            try:
                await services.mp.send_text(target, p["text"])
                return
            except WeChatAPIError as err:
                if err.errcode not in TEMPLATE_INSTEAD:
                    raise
        await services.mp.send_template(target, *message_of(services.settings, tpl))
    elif c.kind == "template":
        await services.mp.send_template(target, *message_of(services.settings, tpl))
    elif c.kind == "subscribe":  # a mini-program user: the mini-program's own token and template
        await services.miniapp.send_subscribe(target, *message_of(services.settings, tpl, subscribe=True))
    elif c.kind == "wecom_app" and p.get("audience") == "staff" and tpl.get("values") and c.case_id is not None:
        from bot.wecom_card import case_link, staff_card

        # staff read a card with the case's essentials and a link into the panel (never the reporter)
        await services.wecom.send_card(target, staff_card(tpl["values"], case_link(services.settings.panel_url,
                                                                                   c.case_id)))
    elif c.kind == "wecom_app":
        await services.wecom.send_text(target, p["text"])
    elif c.kind == "webhook":
        await services.wecom.webhook_send(target, p["text"])
    else:
        raise KeyError(f"unknown outbox kind {c.kind!r}")


async def _deliver(c: Claimed, services: "Services", config: DeliveryConfig, stats: DeliveryStats) -> None:
    from bot.wechat_api import WeChatAPIError

    try:
        await send(c, services)
    except WeChatAPIError as err:
        refusal = err.refusal
        error = f"errcode {err.errcode}: {refusal or err.errmsg}"
        from bot import metrics

        metrics.send_error(err.errcode)
        ok = await _finish(c, "failed" if refusal else "pending", error, 0 if refusal else config.backoff(c.attempts))
        if ok:
            stats.failed += bool(refusal)
            stats.retried += not refusal
        log.warning("outbox %d attempt %d: %s (%s)", c.id, c.attempts, error, "refused" if refusal else "will retry")
    except asyncio.CancelledError:
        raise  # the lease brings it back
    except Exception as exc:  # a bad row (unknown kind, unreadable recipient): retrying cannot help
        await _finish(c, "failed", type(exc).__name__)
        stats.failed += 1
        log.error("outbox %d cannot be sent: %s", c.id, type(exc).__name__)
    else:
        # Marked at once, on its own: a worker killed now re-sends at most what it has in flight
        if await asyncio.shield(_finish(c, "sent")):
            stats.sent += 1
            if c.payload.get("asks") == "rating" and c.case_id is not None:  # its answer works from any flow
                from handlers.cases.pending import asked

                await asked(services, c.payload.get("channel", ""), services.cipher.open(c.recipient_enc), c.case_id)
        else:  # our lease ran out and another worker took the row over
            stats.lost_lease += 1
            log.warning("outbox %d sent after its lease ran out", c.id)


def _by_case(batch: list[Claimed]) -> list[list[Claimed]]:
    """Messages of one case go out in the order they were written (受理 before 办结); cases in parallel."""
    groups: dict[object, list[Claimed]] = {}
    for c in batch:
        key = c.case_id if c.case_id is not None else ("thread", c.payload["thread"]) if "thread" in c.payload \
            else ("id", c.id)
        groups.setdefault(key, []).append(c)
    return list(groups.values())


async def deliver_due(services: "Services", config: DeliveryConfig | None = None, *,
                      max_batches: int | None = None) -> DeliveryStats:
    """Send everything due now, batch after batch; returns what happened."""
    config = config or services.settings.outbox
    total = DeliveryStats()
    sem = asyncio.Semaphore(config.concurrency)
    batches = 0

    async def in_order(group: list[Claimed], stats: DeliveryStats) -> None:
        async with sem:
            for c in group:
                await _deliver(c, services, config, stats)

    while max_batches is None or batches < max_batches:
        batch = await claim(config)
        if not batch:
            break
        stats = DeliveryStats()
        await asyncio.gather(*(in_order(g, stats) for g in _by_case(batch)))
        total.add(stats)
        batches += 1
    return total


def reply_template(text: str) -> dict[str, Any]:
    """The template message that stands in for a late reply when customer service is closed (45015, 45047):
    the reporters' progress template, naming the case when the reply names one."""
    import re

    from storage.china_time import local_time

    number = re.search(r"QF\d{10}", text)
    return {"purpose": "reporter", "values": {
        "number": number.group(0) if number else "—", "news": "您的消息已处理",
        "date": local_time(utcnow()).date().isoformat(), "hint": "回复任意内容查看答复"}}


async def enqueue_replies(channel: str, openid: str, texts: list[str], cipher: "PersonalDataCipher") -> None:
    """Late answers to one villager (a reply that missed WeChat's 5 s, its second part) as durable outbox rows."""
    from storage.models import OutboxMessage

    kind = "wecom_app" if channel == "work" else "custom_text"
    # One thread per villager, not per answer: two late answers (a queued 帮助, then 举报) go out in the order
    # they were written, like a case's messages; the keyed hash names the villager without revealing them
    thread = cipher.subject_hash(channel, openid)
    rows = []
    for text in texts:
        inner = {"audience": "reply", "channel": channel, "text": text,
                 "template": reply_template(text)}
        rows.append(OutboxMessage(kind=kind, recipient_enc=cipher.seal(openid), next_attempt_at=utcnow(),
                                  payload={"thread": thread,
                                           "sealed": cipher.seal(json.dumps(inner, ensure_ascii=False))}))
    await OutboxMessage.bulk_create(rows)
