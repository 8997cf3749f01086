"""`qingfeng worker`: the background worker (outbox sender, deadline sweep) on arq and Redis."""
from __future__ import annotations

import argparse
import asyncio
import os
import sys


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
    from handlers.cases.worker import make_worker

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
