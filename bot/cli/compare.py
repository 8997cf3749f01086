"""`qingfeng compare` (run every rule) and `qingfeng compare import KIND FILE [--skip-bad]`."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.cli._common import print_bad_rows, print_rows, with_services


# storage.reference_import.SPECS has the same keys (tests check); kept literal so `qingfeng --help` stays light.
KINDS = ("deaths", "officials", "relatives", "standards", "vehicles", "businesses")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="data comparison (大数据比对): run the rules, import reference lists",
                       description="Without an action: run every comparison rule over the imported data and raise "
                                   "each new finding as a clue. `import` loads a reference list, then runs the rules.")
    p.set_defaults(func=run_rules)
    acts = p.add_subparsers(dest="compare_command", metavar="ACTION")
    imp = acts.add_parser("import", help="import a reference list (CSV or XLSX), then run the rules",
                          description="Validate FILE completely; a file with bad rows imports nothing (every bad row "
                                      "is listed with its line) unless --skip-bad. Importing the same file twice "
                                      "changes nothing. Formats: docs/contracts/compare-*.example.csv.")
    imp.add_argument("kind", choices=KINDS, metavar="KIND", help=" | ".join(KINDS))
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--skip-bad", action="store_true", help="import the good rows, report the bad ones")
    imp.set_defaults(func=run_import)


def _print_summary(summary: Any) -> None:
    from handlers.compare import RULES

    print("比对完成 comparison run: " + ", ".join(
        f"{r.name} {summary.found.get(r.name, 0)} (new {summary.new.get(r.name, 0)})" for r in RULES))
    print(f"clues filed: {summary.clues}; {summary.seconds:.1f} s")


def run_rules(args: argparse.Namespace) -> int:
    from handlers.compare import run_all

    async def go(services: Any) -> int:
        _print_summary(await run_all(services, actor="cli"))
        return 0

    return with_services(go)


def run_import(args: argparse.Namespace) -> int:
    from handlers.compare import run_all
    from storage.reference_import import ImportFailed, import_reference

    async def go(services: Any) -> int:
        try:
            result = await import_reference(args.kind, args.file, services.cipher, skip_bad=args.skip_bad)
        except ImportFailed as exc:
            print_bad_rows(f"compare import {args.kind}", args.file, exc.problems)
            return 1
        print_rows(result.skipped, prefix="skipped ")
        print(f"{args.kind} imported: created {result.created}, updated {result.updated}, "
              f"unchanged {result.unchanged}, skipped {len(result.skipped)}"
              + ("" if result.changed else " (no changes)"))
        _print_summary(await run_all(services, actor="cli"))
        return 0

    return with_services(go)
