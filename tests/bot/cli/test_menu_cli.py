"""`qingfeng menu create` builds the official account's menu through WeChat's API (the fake, over HTTP)."""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from bot.wechat_menu import MENU

REPO = Path(__file__).resolve().parents[3]


async def _qingfeng(settings: Any, tmp_path: Path, *args: str, api_base: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(QINGFENG_VAR=str(tmp_path / "var"), PYTHONPATH=str(REPO), WECHAT_API_BASE=api_base,
               REDIS_URL=settings.redis_url)
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", *args, cwd=tmp_path, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    return int(proc.returncode or 0), out.decode()


async def test_menu_create_builds_the_menu_with_four_entries(
        settings: Any, fake_wechat: Any, tmp_path: Path) -> None:
    fake_wechat.state.menus.clear()
    code, out = await _qingfeng(settings, tmp_path, "menu", "create", api_base=fake_wechat.base_url)
    assert code == 0, out
    assert "举报 · 查询 ▸ 查询进度/我的举报/查补贴 · 帮助" in out
    created = fake_wechat.state.menus[settings.wechat_appid]
    assert created == MENU
    names = [b["name"] for top in created["button"] for b in [top, *top.get("sub_button", [])]]
    assert {"举报", "查询进度", "查补贴", "帮助"} <= set(names)
    code, out = await _qingfeng(settings, tmp_path, "menu", "show", api_base=fake_wechat.base_url)
    assert code == 0 and "SUBSIDY" in out


async def test_menu_create_says_why_wechat_refused(settings: Any, tmp_path: Path) -> None:
    code, out = await _qingfeng(settings, tmp_path, "menu", "create", api_base="http://127.0.0.1:9")
    assert code == 1 and "errcode" in out and "Traceback" not in out
