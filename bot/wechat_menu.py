"""The official account's custom menu (自定义菜单), built through WeChat's menu/create API.

WeChat allows 3 top buttons of up to 4 Chinese characters and 5 sub-buttons each. The four entries
villagers need (举报, 查询进度, 查补贴, 帮助) fit as 举报 · 查询 ▸ (查询进度, 我的举报, 查补贴) · 帮助. Every
`key` is a click that a flow's table answers (`on_click` in its FLOW): REPORT handlers.report, PROGRESS
handlers.followup, MYREPORTS handlers.myreports, SUBSIDY handlers.subsidy, HELP handlers.help.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.wechat_api import MpClient

MENU: dict[str, Any] = {"button": [
    {"type": "click", "name": "举报", "key": "REPORT"},
    {"name": "查询", "sub_button": [
        {"type": "click", "name": "查询进度", "key": "PROGRESS"},
        {"type": "click", "name": "我的举报", "key": "MYREPORTS"},
        {"type": "click", "name": "查补贴", "key": "SUBSIDY"},
    ]},
    {"type": "click", "name": "帮助", "key": "HELP"},
]}


def menu_keys(menu: dict[str, Any] = MENU) -> list[str]:
    return [b["key"] for top in menu["button"] for b in [top, *top.get("sub_button", [])] if b.get("key")]


async def create_menu(mp: "MpClient", menu: dict[str, Any] = MENU) -> dict[str, Any]:
    """Replaces the account's menu (WeChat shows it to followers within minutes); returns menu/get's answer."""
    await mp.create_menu(menu)
    return dict(await mp.get_menu())
