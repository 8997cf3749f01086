"""`qingfeng retention purge`: purge the personal data of cases closed longer than the retention period."""
from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("retention", help="retention of personal data (SPEC Privacy)",
                       description="Personal data of closed cases is purged after QINGFENG_RETENTION_DAYS "
                                   "(default 730); the worker does it daily, this command on demand.")
    s = p.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    purge = s.add_parser("purge", help="purge the personal data of cases closed longer than the period",
                         description="Deletes the reporter's identity and masks ID and phone numbers in the texts "
                                     "of every case closed (and unchanged) for longer than the retention period; "
                                     "the rest of the case stays. Each purge is audited and on the timeline.")
    purge.add_argument("--days", type=int, default=None, metavar="N",
                       help="override QINGFENG_RETENTION_DAYS for this run")
    purge.add_argument("--dry-run", action="store_true", help="list the cases that would be purged, change nothing")
    purge.set_defaults(func=run_purge)


def run_purge(args: argparse.Namespace) -> int:
    from bot.cli._common import with_services
    from handlers.cases.retention import purge

    if args.days is not None and args.days < 1:
        print("--days must be at least 1")
        return 2

    async def go(services: object) -> object:
        return await purge(services, days=args.days, actor="cli", dry_run=args.dry_run)  # type: ignore[arg-type]

    r = with_services(go)
    verb = "would purge" if args.dry_run else "purged"
    print(f"{verb} {len(r.cases)} case(s); identities deleted {r.identities}, texts masked {r.texts_masked}")  # type: ignore[attr-defined]
    for number in r.cases:  # type: ignore[attr-defined]
        print(number)
    return 0
