"""`qingfeng menu create|show`: the official account's custom menu, through WeChat's API."""
from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.wechat_api import MpClient


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("menu", help="the official account's custom menu (举报, 查询进度, 查补贴, 帮助)",
                       description="Build or show the official account's custom menu through WeChat's API "
                                   "(WECHAT_APPID/WECHAT_SECRET, WECHAT_API_BASE; the fake WeChat in the demo).")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="create (replace) the menu: 举报 · 查询 ▸ 查询进度/我的举报/查补贴 · 帮助")
    create.set_defaults(func=run_create)
    show = actions.add_parser("show", help="print the menu WeChat has now (JSON)")
    show.add_argument("--json", action="store_true", help="print WeChat's answer as JSON (the default)")
    show.set_defaults(func=run_show)
    p.set_defaults(func=lambda _args: (p.print_help(), 2)[1])


def run_create(args: argparse.Namespace) -> int:
    from bot.cli._common import with_services
    from bot.wechat_api import WeChatAPIError
    from bot.wechat_menu import MENU, create_menu, menu_keys

    try:
        with_services(lambda services: create_menu(services.mp))
    except WeChatAPIError as err:
        print(f"qingfeng menu create: WeChat refused the menu: errcode {err.errcode} ({err.errmsg})", file=sys.stderr)
        return 1
    names = " · ".join(b["name"] + (" ▸ " + "/".join(s["name"] for s in b["sub_button"]) if "sub_button" in b else "")
                       for b in MENU["button"])
    print(f"menu created: {names} (keys {', '.join(menu_keys())})")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from bot.cli._common import with_services
    from bot.wechat_api import WeChatAPIError

    async def get(mp: "MpClient") -> dict[str, object]:
        return dict(await mp.get_menu())

    try:
        print(json.dumps(with_services(lambda services: get(services.mp)), ensure_ascii=False, indent=2))
    except WeChatAPIError as err:
        print(f"qingfeng menu show: errcode {err.errcode} ({err.errmsg})", file=sys.stderr)
        return 1
    return 0
