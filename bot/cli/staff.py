"""`qingfeng staff bind-code USERNAME`: a one-time code that binds a WeChat/WeCom identity to an account."""
from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("staff", help="staff accounts in chat: binding codes")
    ssub = p.add_subparsers(dest="staff_command", metavar="SUBCOMMAND", required=True)
    b = ssub.add_parser("bind-code", help="print a one-time code; the staff member sends 【绑定 CODE】 in chat",
                        description="Print a 6-digit one-time code (valid 10 minutes). The staff member sends "
                                    "【绑定 CODE】 from their WeChat or WeCom account to bind it to USERNAME.")
    b.add_argument("username")
    b.set_defaults(func=bind_code)


def bind_code(args: argparse.Namespace) -> int:
    from bot.cli._common import with_services
    from handlers.cases.binding import CODE_TTL_S, issue_binding_code
    from storage.models import Staff

    async def go(services: Any) -> str | None:
        staff = await Staff.get_or_none(username=args.username, is_active=True)
        return await issue_binding_code(staff.id, services.redis) if staff else None

    code = with_services(go)
    if code is None:
        print(f"no active staff account named {args.username!r}", file=sys.stderr)
        return 1
    print(f"{code}  (valid {CODE_TTL_S // 60} minutes; send 【绑定 {code}】 from the WeChat or WeCom account)")
    return 0
