"""`qingfeng audit verify`: walk the audit log's keyed chain, check its anchored head, report tampering."""
from __future__ import annotations

import argparse
import re
from typing import Any

from bot.cli._common import with_services
from storage import audit


def _head(value: str) -> tuple[int, str]:
    m = re.fullmatch(r"#?(\d+)[: ]([0-9a-f]{64})", value.strip())
    if not m:
        raise argparse.ArgumentTypeError("expected ID:HASH as the log's `audit head #ID HASH` line gives them")
    return int(m.group(1)), m.group(2)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="the audit log", description="Audit log tools.")
    a = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = a.add_parser("verify", help="check the keyed hash chain of the audit log and its anchored head",
                     description="Recompute every entry's keyed hash (QINGFENG_AUDIT_KEY) and its link to the "
                                 "previous entry, then check that the head anchored outside the table (in Redis; "
                                 "or --head, from the log's last `audit head` line) is still there. Exit 1 and "
                                 "name the first bad entry when anything was altered, removed, truncated, "
                                 "reordered or re-chained.")
    v.add_argument("--head", type=_head, default=None, metavar="ID:HASH",
                   help="a head taken from the log (`audit head #ID HASH`), checked besides the Redis anchor")
    v.set_defaults(func=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    async def go(_: Any) -> int:
        result = await audit.verify(head=args.head)
        if result.ok:
            head = f"; head #{result.head[0]} {result.head[1]}" if result.head else ""
            old = (f" ({result.legacy} of them from before the keyed chain, checked by their SHA-256 chain)"
                   if result.legacy else "")
            print(f"audit log intact: {result.checked} entries verified{old}{head}")
            return 0
        where = f"at entry {result.first_bad_id}" if result.first_bad_id is not None else ""
        print(f"audit log TAMPERED {where}: {result.problem} ({result.checked} entries checked)")
        return 1

    return with_services(go)
