"""`qingfeng registry import FILE` (and `registry show`)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.cli._common import with_services
from storage import audit
from storage.registry import RegistryError, import_registry, load_file, load_registry_dict


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("registry", help="county/township/village registry",
                       description="Import or show the jurisdiction registry (see contracts/registry.example.json).")
    rs = p.add_subparsers(dest="registry_command", metavar="ACTION", required=True)
    imp = rs.add_parser("import", help="import a registry JSON file (idempotent)",
                        description="Validate FILE completely, then create or update the county, zones, townships "
                                    "and villages in one transaction. Importing the same file twice changes nothing.")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.set_defaults(func=run_import)
    show = rs.add_parser("show", help="print the registry in the database as JSON")
    show.set_defaults(func=run_show)


def run_import(args: argparse.Namespace) -> int:
    try:
        data = load_file(args.file)
    except RegistryError as exc:
        print(f"registry import: {args.file}: {len(exc.problems)} problem(s), nothing imported:", file=sys.stderr)
        for p in exc.problems:
            print(f"  - {p}", file=sys.stderr)
        return 1

    async def go(services: object) -> int:
        summary = await import_registry(data)
        if summary.changed:
            await audit.append("cli", "registry.import", str(args.file.name),
                               {"created": summary.created, "updated": summary.updated})
            await services.registry_changed()  # type: ignore[attr-defined]
        print(f"registry imported: created {summary.created}, updated {summary.updated}"
              + ("" if summary.changed else " (no changes)"))
        return 0

    return with_services(go)


def run_show(args: argparse.Namespace) -> int:
    from bot.cli._common import with_db

    async def go(_: object) -> int:
        print(json.dumps(await load_registry_dict(), ensure_ascii=False, indent=2))
        return 0

    return with_db(go)
