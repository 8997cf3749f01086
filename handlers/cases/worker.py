"""The background worker (arq on Redis): the outbox sender and the deadline sweep.

    deliver_outbox   every second (and at start): sends what is due, see delivery.py
    sweep_deadlines  every hour at :05 (China time): reminders, 督办, see escalation.py

Any number of workers may run: arq's unique cron jobs start each tick once, the
outbox claim hands every row to one worker, the sweep is idempotent and locked.
`qingfeng worker` runs `WorkerSettings`; the demo calls `start_worker_in_process`.

Outages: arq's own loop ends on the first Redis error (and the worker with it).
`OutageTolerantWorker` keeps polling instead: any error of Redis or the database
is logged once per outage, retried every second or two, and the worker picks up
where it was within seconds of the service answering again, without a restart.
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from arq import cron
from arq.connections import RedisSettings, create_pool
from arq.utils import poll
from arq.worker import Worker

from storage.china_time import CHINA_TZ
from storage import keys

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("qingfeng.worker")

SWEEP_LOCK_S = 600
OUTAGE_RETRY_CAP_S = 2.0  # retry often: the worker must be back within seconds of Redis returning
REDIS_SOCKET_TIMEOUT_S = 5.0  # a frozen Redis raises instead of hanging the poll loop


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


async def _startup(ctx: dict[str, Any]) -> None:
    if "services" not in ctx:  # `qingfeng worker`: the process owns its services
        from bot.services import build_services
        from bot.config import load_settings

        ctx["services"] = await build_services(load_settings())
        ctx["owned"] = True


async def _shutdown(ctx: dict[str, Any]) -> None:
    if ctx.get("owned"):
        from bot.services import close_services

        await close_services(ctx["services"])


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


def redis_settings(services_or_url: Any) -> RedisSettings:
    from bot.config import load_settings
    from storage.redis import resolve_url

    if isinstance(services_or_url, str):
        url = services_or_url
    else:
        s = services_or_url.settings if services_or_url is not None else load_settings()
        url = resolve_url(s.redis_url, s.var_dir)
    # No retries of arq's own at connect: OutageTolerantWorker retries for as long as it takes.
    return dataclasses.replace(RedisSettings.from_dsn(url), conn_timeout=2, conn_retries=0)


class OutageTolerantWorker(Worker):
    """arq's Worker whose poll loop outlives Redis and database outages of any length."""

    async def _connect(self) -> None:
        if self._pool is None:
            self._pool = await create_pool(self.redis_settings, job_deserializer=self.job_deserializer,
                                           job_serializer=self.job_serializer, default_queue_name=self.queue_name,
                                           expires_extra_ms=self.expires_extra_ms, retry=0)
            self._pool.connection_pool.connection_kwargs["socket_timeout"] = REDIS_SOCKET_TIMEOUT_S
            self.ctx["redis"] = self._pool
        if not self.ctx.get("started"):
            if self.on_startup:
                await self.on_startup(self.ctx)
            self.ctx["started"] = True

    async def main(self) -> None:
        delay, down_since = 0.25, 0.0
        loop = asyncio.get_running_loop()
        while True:
            try:
                await self._connect()
                async for _ in poll(self.poll_delay_s):
                    await self._poll_iteration()
                    if down_since:
                        log.warning("worker: back at work after %.1f s of outage", loop.time() - down_since)
                        delay, down_since = 0.25, 0.0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis or the database away: wait, never exit
                if not down_since:
                    down_since = loop.time()
                    log.error("worker: %s (%s); retrying until it answers", type(exc).__name__,
                              str(exc).split("\n")[0][:200])
                await asyncio.sleep(delay)
                delay = min(delay * 2, OUTAGE_RETRY_CAP_S)


def make_worker(services: "Services | None" = None, **kw: Any) -> Worker:
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        logging.getLogger("arq.worker").setLevel(logging.WARNING)  # a line per job, every second: too much
    ctx: dict[str, Any] = {"services": services} if services is not None else {}
    return OutageTolerantWorker(functions=FUNCTIONS, cron_jobs=CRON, redis_settings=redis_settings(services),
                  queue_name=keys.ARQ_QUEUE, on_startup=_startup, on_shutdown=_shutdown, ctx=ctx,
                  timezone=CHINA_TZ, poll_delay=0.2, max_jobs=4, keep_result=60, **kw)


async def start_worker_in_process(services: "Services") -> Callable[[], Awaitable[None]]:
    """Run a worker inside this process (the demo); returns the function that stops it."""
    worker = make_worker(services, handle_signals=False)
    task = asyncio.ensure_future(worker.async_run())

    async def stop() -> None:
        worker.allow_pick_jobs = False  # let a delivery in progress finish: its rows are leased anyway
        running = [t for t in worker.tasks.values() if not t.done()]
        if running:
            await asyncio.wait(running, timeout=10)
        for t in (task, *worker.tasks.values()):
            t.cancel()
        await asyncio.gather(task, *worker.tasks.values(), return_exceptions=True)
        worker.tasks.clear()  # arq's close() would gather the cancelled jobs again and raise
        await worker.close()

    return stop


class WorkerSettings:
    """For `arq handlers.cases.worker.WorkerSettings` too; `qingfeng worker` builds the same."""

    functions = FUNCTIONS
    cron_jobs = CRON
    queue_name = keys.ARQ_QUEUE
    on_startup = _startup
    on_shutdown = _shutdown
    timezone = CHINA_TZ
    poll_delay = 0.2
    redis_settings = None  # set by `qingfeng worker` from REDIS_URL
