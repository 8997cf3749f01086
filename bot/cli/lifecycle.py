"""`qingfeng deadlines …`: working-day settings, the holiday overrides, and `due` (SPEC "Contracts")."""
from __future__ import annotations

import argparse
import sys
from datetime import date


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a date (YYYY-MM-DD)") from None


def _days(raw: str) -> int:
    try:
        n = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a whole number of working days") from None
    if not 0 <= n <= 3650:
        raise argparse.ArgumentTypeError("working days must be between 0 and 3650")
    return n


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("deadlines", help="deadline settings and holidays (working days)",
                       description="Working days follow China's public holidays and 调休 working days (the "
                                   "`holidays` package), with the local overrides of the panel or of "
                                   "`deadlines holiday` on top.")
    dsub = p.add_subparsers(dest="deadlines_command", metavar="SUBCOMMAND", required=True)
    s = dsub.add_parser("set", help="working days for a stage (accept, resolve, escalate) of a category (* = all)")
    s.add_argument("category")
    s.add_argument("stage", choices=["accept", "resolve", "escalate"])
    s.add_argument("days", type=int)
    s.set_defaults(func=set_days)
    h = dsub.add_parser("holiday", help="add a local rest day (or, with --workday, a working day); open cases' "
                                        "due dates move with it")
    h.add_argument("day", type=_day, help="YYYY-MM-DD")
    h.add_argument("name", nargs="?", default="")
    h.add_argument("--workday", action="store_true", help="a day that is worked (调休, or a cancelled holiday)")
    h.add_argument("--remove", action="store_true", help="remove the override: the national calendar decides")
    h.set_defaults(func=holiday)
    d = dsub.add_parser("due", help="print the date N working days after a date (ISO)",
                        description="Prints the date N working days after --from (the start day not counted), "
                                    "from China's holidays and 调休 days with the local overrides on top.")
    d.add_argument("--from", dest="start", type=_day, required=True, metavar="YYYY-MM-DD")
    d.add_argument("--days", type=_days, required=True, metavar="N")
    d.set_defaults(func=due)


def set_days(args: argparse.Namespace) -> int:
    from bot.cli._common import with_db
    from handlers.cases.deadlines import set_deadline

    try:
        with_db(lambda _s: set_deadline(args.category, args.stage, args.days))
    except ValueError as exc:
        print(f"deadlines set: {exc}", file=sys.stderr)
        return 2
    print(f"{args.category} {args.stage}: {args.days} working days")
    return 0


def holiday(args: argparse.Namespace) -> int:
    from bot.cli._common import with_db
    from handlers.cases.deadlines import remove_holiday, set_holiday

    if args.remove:
        moved = with_db(lambda _s: remove_holiday(args.day))
    else:
        moved = with_db(lambda _s: set_holiday(args.day, args.name, workday=args.workday))
    print(f"{args.day}: {'removed' if args.remove else 'workday' if args.workday else 'holiday'}; "
          f"{moved} open case(s) rescheduled")
    return 0


def due(args: argparse.Namespace) -> int:
    from bot.cli._common import with_db
    from handlers.cases.workcalendar import calendar

    async def go(_s: object) -> date:
        return (await calendar()).add(args.start, args.days)

    print(with_db(go).isoformat())
    return 0
