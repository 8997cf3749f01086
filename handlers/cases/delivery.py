"""The outbox sender: claims due messages atomically, sends them, retries with backoff.

    pending ──claim──> sending (lease: next_attempt_at = now + lease, attempts + 1)
    sending ──ok──> sent (marked in small bulk updates)
    sending ──retryable error──> pending, next try after base·2^(attempts-1) (capped, jittered)
    sending ──final error, or the last try failed──> failed (last_error says why; no personal data)
    sending ──worker killed──> the lease runs out and any worker claims it again: nothing is lost

A claim is one statement (UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) on
PostgreSQL; SQLite serialises writers), so two workers never hold the same row.
Each result is written only if `attempts` still equals the claimed value: a worker
whose lease ran out cannot overwrite the work of the worker that took over.
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
from storage.china_time import utcnow
from storage.sql import Sql
from storage import keys

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("qingfeng.delivery")

OUT_OF_WINDOW = 45015  # customer-service message outside the 48 h window
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
    changed = await q.execute(
        f"UPDATE outbox_message SET status = :status, last_error = :error, "
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
    p = c.payload
    tpl = p.get("template") or {}
    if c.kind == "custom_text":
        if await services.redis.exists(keys.last_seen(services.cipher.subject_hash(p.get("channel", "mp"), target))):
            try:
                await services.mp.send_text(target, p["text"])
                return
            except WeChatAPIError as err:
                if err.errcode != OUT_OF_WINDOW:
                    raise
        await services.mp.send_template(target, *message_of(services.settings, tpl))
    elif c.kind == "template":
        await services.mp.send_template(target, *message_of(services.settings, tpl))
    elif c.kind == "subscribe":  # a mini-program user: the mini-program's own token and template
        await services.miniapp.send_subscribe(target, *message_of(services.settings, tpl, subscribe=True))
    elif c.kind == "wecom_app":
        await services.wecom.send_text(target, p["text"])
    elif c.kind == "webhook":
        await services.wecom.webhook_send(target, p["text"])
    else:
        raise KeyError(f"unknown outbox kind {c.kind!r}")


class SentMarks:
    """Marks sent rows in bulk (one UPDATE per `size`), fenced by the claimed attempt like `_finish`.

    A crash between a send and its mark re-sends that message after the lease: true of a
    single-row mark too (every in-flight send is in that window); this adds at most `size`.
    """

    def __init__(self, stats: DeliveryStats, size: int) -> None:
        self.stats, self.size = stats, size
        self.rows: list[Claimed] = []

    async def add(self, c: Claimed) -> None:
        self.rows.append(c)
        if len(self.rows) >= self.size:
            await self.flush()

    async def flush(self) -> None:
        rows, self.rows = self.rows, []
        if not rows:
            return
        q = Sql(Tortoise.get_connection("default"))
        params: dict[str, Any] = {"now": utcnow()}
        pairs = []
        for i, c in enumerate(rows):
            params[f"i{i}"], params[f"a{i}"] = c.id, c.attempts
            pairs.append(f"(id = :i{i} AND attempts = :a{i})")
        done = await q.rows(
            f"UPDATE outbox_message SET status = 'sent', last_error = '', sent_at = {q.ts('now')} "
            f"WHERE status = 'sending' AND ({' OR '.join(pairs)}) RETURNING id", params)
        self.stats.sent += len(done)
        lost = {c.id for c in rows} - {int(r["id"]) for r in done}
        self.stats.lost_lease += len(lost)
        for i in sorted(lost):  # our lease ran out and another worker took the row over
            log.warning("outbox %d sent after its lease ran out", i)


async def _deliver(c: Claimed, services: "Services", config: DeliveryConfig, stats: DeliveryStats,
                   marks: SentMarks) -> None:
    from bot.wechat_api import WeChatAPIError

    try:
        await send(c, services)
    except WeChatAPIError as err:
        last = c.attempts >= config.max_attempts or not err.retryable
        error = f"errcode {err.errcode}: {err.errmsg}"
        ok = await _finish(c, "failed" if last else "pending", error, 0 if last else config.backoff(c.attempts))
        if ok:
            stats.failed += last
            stats.retried += not last
        log.warning("outbox %d attempt %d: %s (%s)", c.id, c.attempts, error, "failed" if last else "will retry")
    except asyncio.CancelledError:
        raise  # the lease brings it back
    except Exception as exc:  # a bad row (unknown kind, unreadable recipient): retrying cannot help
        await _finish(c, "failed", type(exc).__name__)
        stats.failed += 1
        log.error("outbox %d cannot be sent: %s", c.id, type(exc).__name__)
    else:
        await marks.add(c)


def _by_case(batch: list[Claimed]) -> list[list[Claimed]]:
    """Messages of one case go out in the order they were written (受理 before 办结); cases in parallel."""
    groups: dict[object, list[Claimed]] = {}
    for c in batch:
        groups.setdefault(c.case_id if c.case_id is not None else ("id", c.id), []).append(c)
    return list(groups.values())


async def deliver_due(services: "Services", config: DeliveryConfig | None = None, *,
                      max_batches: int | None = None) -> DeliveryStats:
    """Send everything due now, batch after batch; returns what happened."""
    config = config or services.settings.outbox
    total = DeliveryStats()
    sem = asyncio.Semaphore(config.concurrency)
    batches = 0

    async def in_order(group: list[Claimed], stats: DeliveryStats, marks: SentMarks) -> None:
        async with sem:
            for c in group:
                await _deliver(c, services, config, stats, marks)

    while max_batches is None or batches < max_batches:
        batch = await claim(config)
        if not batch:
            break
        stats = DeliveryStats()
        marks = SentMarks(stats, config.mark_every)
        try:
            await asyncio.gather(*(in_order(g, stats, marks) for g in _by_case(batch)))
        finally:
            await asyncio.shield(marks.flush())  # what was sent is marked, even when the worker stops
        total.add(stats)
        batches += 1
    return total
