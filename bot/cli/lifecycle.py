"""`qingfeng deadlines …`: working-day settings and the holiday list."""
from __future__ import annotations

import argparse
from datetime import date


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("deadlines", help="deadline settings and holidays (working days)")
    dsub = p.add_subparsers(dest="deadlines_command", metavar="SUBCOMMAND", required=True)
    s = dsub.add_parser("set", help="working days for a stage (accept, resolve, escalate) of a category (* = all)")
    s.add_argument("category")
    s.add_argument("stage", choices=["accept", "resolve", "escalate"])
    s.add_argument("days", type=int)
    s.set_defaults(func=set_days)
    h = dsub.add_parser("holiday", help="add a holiday (or, with --workday, a weekend day that is worked)")
    h.add_argument("day", type=date.fromisoformat, help="YYYY-MM-DD")
    h.add_argument("name", nargs="?", default="")
    h.add_argument("--workday", action="store_true", help="a weekend day that is a working day (调休)")
    h.add_argument("--remove", action="store_true", help="remove the day from the list")
    h.set_defaults(func=holiday)


def set_days(args: argparse.Namespace) -> int:
    from bot.cli._common import with_db
    from handlers.cases.deadlines import set_deadline

    with_db(lambda _s: set_deadline(args.category, args.stage, args.days))
    print(f"{args.category} {args.stage}: {args.days} working days")
    return 0


def holiday(args: argparse.Namespace) -> int:
    from bot.cli._common import with_db
    from handlers.cases.deadlines import remove_holiday, set_holiday

    if args.remove:
        with_db(lambda _s: remove_holiday(args.day))
    else:
        with_db(lambda _s: set_holiday(args.day, args.name, workday=args.workday))
    print(f"{args.day}: {'removed' if args.remove else 'workday' if args.workday else 'holiday'}")
    return 0
