"""`qingfeng subsidies import FILE [--skip-bad]` and `qingfeng subsidies lookup` (admins)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli._common import with_db, with_services
from bot.config import Settings

MAX_LISTED = 200  # bad rows printed; the rest are counted


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("subsidies", help="subsidy disbursement data (惠民资金)",
                       description="Import disbursement tables and look up records.")
    s = p.add_subparsers(dest="subsidies_command", metavar="ACTION", required=True)
    imp = s.add_parser(
        "import", help="import a CSV or XLSX disbursement table",
        description="Import FILE (CSV or XLSX; headers name,id_number,program,amount,paid_on,village,source or "
                    "姓名,身份证号,项目,金额,发放日期,村,来源). Every row is checked: ID number (GB 11643 checksum, "
                    "date of birth), amount, date, village (registry code or a unique name). A file with bad rows "
                    "is not imported at all unless --skip-bad is given; every bad row is listed with its line "
                    "number. Importing the same file again adds nothing.")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--skip-bad", action="store_true", help="import the good rows and skip the bad ones")
    imp.add_argument("--no-compare", action="store_true",
                     help="do not run the data-comparison rules after the import (run `qingfeng compare` later)")
    imp.set_defaults(func=run_import)
    lk = s.add_parser(
        "lookup", help="look up one person's records (ID number and name read from stdin)",
        description="Reads one line 'ID-number name' from standard input — never from the command line, "
                    "where it would be kept in shell history and process lists. Audited like every lookup.")
    lk.add_argument("--actor", default="cli", help="who is asking, for the audit (e.g. staff:12)")
    lk.set_defaults(func=run_lookup)


def _bar() -> tuple[Any, Any]:
    from tqdm import tqdm

    bar = tqdm(total=0, unit="行", unit_scale=True, disable=None, file=sys.stderr, desc="导入")

    def progress(done: int, estimate: int) -> None:
        if estimate and bar.total != estimate:
            bar.total = max(estimate, done)
        bar.update(done - bar.n)

    return bar, progress


def run_import(args: argparse.Namespace) -> int:
    from bot.services import make_cipher
    from storage.subsidy_import import import_subsidies

    path: Path = args.file
    if not path.is_file():
        print(f"subsidies import: {path}: no such file", file=sys.stderr)
        return 2

    async def go(settings: Settings) -> int:
        bar, progress = _bar()
        try:
            s = await import_subsidies(path, make_cipher(settings), skip_bad=args.skip_bad, progress=progress)
        finally:
            bar.close()
        if s.problem:
            print(f"subsidies import: {path}: {s.problem}; nothing imported", file=sys.stderr)
            return 1
        if s.already_imported:
            print(f"{path.name} was already imported (batch {s.already_imported}): nothing added")
            return 0
        bad = s.bad
        if bad:
            print(f"subsidies import: {path}: {len(bad)} bad row(s) of {s.rows}:", file=sys.stderr)
            for b in bad[:MAX_LISTED]:
                print(f"  line {b.line}: {b.reason}", file=sys.stderr)
            if len(bad) > MAX_LISTED:
                print(f"  ... and {len(bad) - MAX_LISTED} more", file=sys.stderr)
        if bad and not s.committed:
            if args.skip_bad:
                print("no good rows to import", file=sys.stderr)
            else:
                print(f"nothing imported. Correct the rows above, or run again with --skip-bad to import the "
                      f"{s.rows - len(bad)} good row(s) only.", file=sys.stderr)
            return 1
        if not s.committed:
            print(f"{path.name}: all {s.existing} row(s) are already in the database: nothing added")
            return 0
        print(f"imported {s.imported} new record(s) from {path.name} as batch {s.batch_id} in {s.seconds:.1f}s"
              + (f"; {s.existing} already in the database" if s.existing else "")
              + (f"; {len(bad)} bad row(s) skipped" if bad else "")
              + (f"; {s.notified} subscriber(s) to notify" if s.notified else ""))
        return 0

    code = with_db(go)
    if code == 0 and not args.no_compare:
        code = run_comparison()
    return code


def run_comparison() -> int:
    """SPEC: the comparison rules run after each import, so new payments are checked at once."""
    from bot.cli.compare import _print_summary
    from handlers.compare import run_all

    async def go(services: Any) -> int:
        _print_summary(await run_all(services, actor="cli"))
        return 0

    return with_services(go)


def run_lookup(args: argparse.Namespace) -> int:
    from handlers.subsidies.lookup import lookup
    from nlp.idcard import extract_name, find_id_number

    line = sys.stdin.readline()
    found = find_id_number(line)
    name = extract_name(found.rest) if found else ""
    if found is None or not name:
        print("expected one line: ID-number name", file=sys.stderr)
        return 2

    async def go(services: Any) -> int:
        r = await lookup(found.number, name, channel="cli", actor=args.actor, services=services)
        if not r.found:
            print(r.message())
            return 1
        print(f"{r.name_masked} {r.id_masked}: {len(r.records)} record(s)")
        for v in r.records:
            print(f"  {v.no:>3}  {v.paid_on}  {v.program}  {v.amount:.2f}  {v.village} ({v.village_code})  #{v.record_id}")
        print("  totals: " + "; ".join(f"{y}: {t:.2f}" for y, t in r.totals.items()))
        return 0

    return with_services(go)
