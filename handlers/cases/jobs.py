"""What the background worker runs (arq jobs): the outbox sender, the deadline sweep, the retention purge.

    deliver_outbox   every second (and at start): sends what is due, see delivery.py
    sweep_deadlines  every hour at :05 (China time): reminders, 督办, see escalation.py
    purge_retention  daily at 03:30: personal data of long-closed cases, see retention.py

Any number of workers may run: arq's unique cron jobs start each tick once, the
outbox claim hands every row to one worker, the sweep is idempotent and locked.
The worker itself (arq settings, outage tolerance, its services) is built by `bot/cli/worker.py`.
"""
from __future__ import annotations

import logging
from typing import Any

from arq import cron

from storage import keys

log = logging.getLogger("qingfeng.worker")

SWEEP_LOCK_S = 600


async def deliver_outbox(ctx: dict[str, Any]) -> int:
    from handlers.cases.delivery import deliver_due

    stats = await deliver_due(ctx["services"])
    if stats.sent or stats.failed or stats.retried:
        log.info("outbox: %d sent, %d to retry, %d failed", stats.sent, stats.retried, stats.failed)
    return stats.sent


async def sweep_deadlines(ctx: dict[str, Any]) -> str:
    from handlers.cases.escalation import sweep

    from handlers.lost_drafts import forget_old

    services = ctx["services"]
    await forget_old()  # open drafts older than a day: nobody is told about those any more
    lock = services.redis.lock(keys.lifecycle_sweep_lock(), timeout=SWEEP_LOCK_S, blocking_timeout=0)
    if not await lock.acquire():
        return "another sweep is running"
    try:
        r = await sweep(services)
        log.info("deadline sweep: %d reminded, %d escalated, %d overdue again, %d messages",
                 r.reminded, r.escalated, r.overdue2, r.messages)
        return f"{r.reminded}/{r.escalated}/{r.overdue2}"
    finally:
        try:
            await lock.release()
        except Exception:  # expired under a very long sweep
            pass


async def purge_retention(ctx: dict[str, Any]) -> str:
    """Daily: personal data of cases closed longer than QINGFENG_RETENTION_DAYS (handlers.cases.retention)."""
    from handlers.cases.retention import purge

    r = await purge(ctx["services"], actor="worker")
    return f"{len(r.cases)} purged"


FUNCTIONS = [deliver_outbox, sweep_deadlines, purge_retention]
CRON = [
    cron(deliver_outbox, second=set(range(60)), run_at_startup=True, unique=True, timeout=300),
    cron(sweep_deadlines, minute={5}, second={0}, unique=True, timeout=SWEEP_LOCK_S),
    cron(purge_retention, hour={3}, minute={30}, second={0}, unique=True, timeout=3600),
]
