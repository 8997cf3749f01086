"""`qingfeng audit verify`: walk the audit log's hash chain and report tampering."""
from __future__ import annotations

import argparse

from bot.cli._common import with_db
from storage import audit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="the audit log", description="Audit log tools.")
    a = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = a.add_parser("verify", help="check the hash chain of the audit log",
                     description="Recompute every entry's hash and its link to the previous entry. Exit 1 and "
                                 "name the first bad entry when anything was altered, removed or reordered.")
    v.set_defaults(func=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    async def go(_: object) -> int:
        result = await audit.verify()
        if result.ok:
            print(f"audit log intact: {result.checked} entries verified")
            return 0
        print(f"audit log TAMPERED at entry {result.first_bad_id}: {result.problem} "
              f"({result.checked} entries before it are intact)")
        return 1

    return with_db(go)
