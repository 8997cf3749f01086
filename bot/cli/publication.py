"""`qingfeng publication powers import FILE [--skip-bad]` and `qingfeng publication late [--township CODE]`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli._common import print_bad_rows, print_rows, with_services


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("publication", help="publication (公开): the 小微权力清单, late 村务公开",
                       description="Import the county's list of village-level powers, or list the villages whose "
                                   "periodic disclosure is past its due date.")
    acts = p.add_subparsers(dest="publication_command", metavar="ACTION", required=True)
    powers = acts.add_parser("powers", help="the 小微权力清单").add_subparsers(dest="powers_command", metavar="ACTION",
                                                                          required=True)
    imp = powers.add_parser("import", help="import the list from YAML or XLSX (by item code: twice changes nothing)",
                            description="Validate FILE completely; a file with a bad row imports nothing (each bad "
                                        "row is listed with its line) unless --skip-bad. Format: "
                                        "storage/data/powers_demo.yaml, or XLSX with the headers 编号, 事项, 类别, "
                                        "关联问题类别, 关键词, 决策主体, 办理流程, 所需材料, 办理时限, 依据.")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--skip-bad", action="store_true", help="import the good rows, report the bad ones")
    imp.set_defaults(func=run_import)
    late = acts.add_parser("late", help="villages past the due date of a disclosure period, per township",
                           description="Print each village with nothing disclosed by a period's due date.")
    late.add_argument("--township", metavar="CODE", help="only this township")
    late.set_defaults(func=run_late)


def run_import(args: argparse.Namespace) -> int:
    from handlers.publication.power_import import PowerImportFailed, import_powers, read_rows

    async def go(services: Any) -> int:
        try:
            result = await import_powers(read_rows(args.file), services.redis, actor="cli", skip_bad=args.skip_bad)
        except PowerImportFailed as exc:
            print_bad_rows("publication powers import", args.file, exc.problems)
            return 1
        print_rows(result.skipped, prefix="skipped ")
        print(f"powers imported: created {result.created}, updated {result.updated}, unchanged {result.unchanged}, "
              f"skipped {len(result.skipped)}")
        return 0

    if not args.file.is_file():
        print(f"publication powers import: {args.file}: no such file", file=sys.stderr)
        return 1
    return with_services(go)


def run_late(args: argparse.Namespace) -> int:
    from handlers.publication.disclosures import late_villages, period_name

    async def go(services: Any) -> int:
        rows = await late_villages(township=args.township)
        for x in rows:
            when = f"disclosed late on {x.disclosed_on}" if x.disclosed_on else "not disclosed"
            print(f"{x.township}\t{x.village}\t{x.village_name}\t{period_name(x.period)}\tdue {x.period.due_on}\t{when}")
        print(f"{len(rows)} late", file=sys.stderr)
        return 0

    return with_services(go)
