"""`qingfeng groups bind CHAT_ID VILLAGE [--webhook-key KEY]` and `qingfeng groups list` (SPEC "Contracts")."""
from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("groups", help="village WeChat groups: bind a group to a village",
                       description="A bound group's messages belong to its village; its group robot receives "
                                   "the county's announcements (公示).")
    g = p.add_subparsers(dest="groups_command", metavar="ACTION", required=True)
    b = g.add_parser("bind", help="bind a group (its WeCom chat id) to a village",
                     description="VILLAGE is a registry code or a unique village name; a name two villages share "
                                 "is refused with both codes. Binding again moves the group or changes its robot.")
    b.add_argument("chat_id", metavar="CHAT_ID")
    b.add_argument("village", metavar="VILLAGE")
    b.add_argument("--webhook-key", metavar="KEY", default=None,
                   help="the group robot's key (or its webhook address); stored sealed; '' removes it")
    b.add_argument("--name", default=None, help="the group's name as staff know it (e.g. 胡家庄村民群)")
    b.set_defaults(func=bind)
    ls = g.add_parser("list", help="bound groups, their villages and robots (keys masked)")
    ls.set_defaults(func=list_groups)


def bind(args: argparse.Namespace) -> int:
    from bot.cli._common import with_db
    from bot.services import make_cipher
    from handlers.village_groups import GroupBindError, bind_group

    async def go(settings: object) -> object:
        return await bind_group(args.chat_id, args.village, webhook_key=args.webhook_key, name=args.name,
                                actor="cli", cipher=make_cipher(settings))  # type: ignore[arg-type]

    try:
        g = with_db(go)
    except GroupBindError as exc:
        print(f"groups bind: {exc}", file=sys.stderr)
        return 2
    robot = f"robot {g.key_hint}" if g.key_hint else "no robot"  # type: ignore[attr-defined]
    print(f"{g.chat_id} -> {g.village_code} {g.township_name}{g.village_name} ({robot})")  # type: ignore[attr-defined]
    return 0


def list_groups(args: argparse.Namespace) -> int:
    from bot.cli._common import with_db
    from handlers.village_groups import groups_overview

    for g in with_db(lambda _s: groups_overview()):
        print(f"{g.chat_id}\t{g.village_code}\t{g.township_name}{g.village_name}\t{g.name}\t{g.key_hint or '-'}")
    return 0
