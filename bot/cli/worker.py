"""`qingfeng worker`: the background worker on arq and Redis, and how it is built.

The jobs it runs are the domain's (`handlers/cases/jobs.py`: outbox, deadline sweep, retention purge);
this module holds what makes them a worker: arq's settings, the services the worker owns, and
`OutageTolerantWorker`. `qingfeng worker` runs `make_worker`; the demo calls `start_worker_in_process`.

Outages: arq's own loop ends on the first Redis error (and the worker with it).
`OutageTolerantWorker` keeps polling instead: any error of Redis or the database
is logged once per outage, retried every second or two, and the worker picks up
where it was within seconds of the service answering again, without a restart.
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
import sys
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from arq.connections import RedisSettings, create_pool
from arq.utils import poll
from arq.worker import Worker

from handlers.cases.jobs import CRON, FUNCTIONS
from storage import keys
from storage.china_time import CHINA_TZ

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("qingfeng.worker")

OUTAGE_RETRY_CAP_S = 2.0  # retry often: the worker must be back within seconds of Redis returning
REDIS_SOCKET_TIMEOUT_S = 5.0  # a frozen Redis raises instead of hanging the poll loop


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("worker", help="run the background worker (notifications, deadlines)",
                       description="Send queued notifications (retrying with backoff) and run the hourly deadline "
                                   "sweep (reminders, 督办). Any number of workers may run against the same "
                                   "DATABASE_URL and REDIS_URL. Tuning: QINGFENG_OUTBOX_LEASE (s, default 60), "
                                   "QINGFENG_OUTBOX_BACKOFF (s, 2), QINGFENG_OUTBOX_BACKOFF_CAP (s, 300). Transport "
                                   "errors and WeChat's busy codes are retried until WeChat answers; Redis or "
                                   "database outages are ridden out.")
    p.add_argument("--sweep-now", action="store_true", help="run one deadline sweep, print its counts and exit")
    p.add_argument("--drain", action="store_true", help="send everything due now once and exit")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.cli._common import refuse_unmigrated, with_services
    from bot.config import load_settings

    settings = load_settings()
    settings.require_production_secrets()
    refused = refuse_unmigrated("worker", settings)
    if refused is not None:
        return refused
    if args.sweep_now:
        from handlers.cases.escalation import sweep

        r = with_services(sweep)
        print(f"reminded {r.reminded}, escalated {r.escalated}, overdue again {r.overdue2}, messages {r.messages}")
        return 0
    if args.drain:
        from handlers.cases.delivery import deliver_due

        s = with_services(deliver_due)
        print(f"sent {s.sent}, to retry {s.retried}, failed {s.failed}")
        return 0
    if settings.worker_metrics_port:
        from bot.metrics import serve_worker_metrics

        serve_worker_metrics(settings.worker_metrics_port)

    asyncio.set_event_loop(asyncio.new_event_loop())  # arq's Worker uses the current loop
    make_worker(None).run()
    # arq has closed everything by now. On SQLite a job cancelled by the signal can leave
    # aiosqlite's (non-daemon) thread waiting, which would keep the process alive: leave.
    from storage.redis import stop_embedded

    stop_embedded()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


async def _startup(ctx: dict[str, Any]) -> None:
    if "services" not in ctx:  # `qingfeng worker`: the process owns its services
        from bot.app import build_services
        from bot.config import load_settings

        ctx["services"] = await build_services(load_settings())
        ctx["owned"] = True


async def _shutdown(ctx: dict[str, Any]) -> None:
    if ctx.get("owned"):
        from bot.services import close_services

        await close_services(ctx["services"])


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
    """For `arq bot.cli.worker.WorkerSettings` too; `qingfeng worker` builds the same."""

    functions = FUNCTIONS
    cron_jobs = CRON
    queue_name = keys.ARQ_QUEUE
    on_startup = _startup
    on_shutdown = _shutdown
    timezone = CHINA_TZ
    poll_delay = 0.2
    redis_settings = None  # set by `qingfeng worker` from REDIS_URL
