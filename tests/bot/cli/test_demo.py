"""The README's first command: `qingfeng demo` comes up, and `qingfeng chat` gets an answer to 帮助."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from handlers.help import HELP_TEXT
from tests.processes import free_port, start_demo, stop_group

REPO = Path(__file__).resolve().parents[3]


def test_demo_comes_up_and_chat_gets_help(tmp_path: Path) -> None:
    port, fake_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(QINGFENG_VAR=str(tmp_path / "var"), PYTHONPATH=str(REPO))
    demo, banner = start_demo(tmp_path, env, port, fake_port)
    try:
        assert f"http://127.0.0.1:{port}/wechat/mp" in banner
        chat = subprocess.run(
            [sys.executable, "-m", "bot.cli", "chat", "--url", f"http://127.0.0.1:{port}",
             "--fake-api", f"http://127.0.0.1:{fake_port}", "--say", "帮助", "--wait", "0.2"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        assert chat.returncode == 0, chat.stderr
        assert HELP_TEXT.splitlines()[1] in chat.stdout
        assert "小微权力清单: 24 items" in banner and "群众点题: one open round" in banner
        dibao = subprocess.run(
            [sys.executable, "-m", "bot.cli", "chat", "--url", f"http://127.0.0.1:{port}",
             "--fake-api", f"http://127.0.0.1:{fake_port}", "--say", "低保怎么申请", "--wait", "0.2"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        assert "【低保申请】" in dibao.stdout and "如果有人不按这个办，可以回复【举报】" in dibao.stdout, dibao.stdout
        assert (tmp_path / "var" / "qingfeng.sqlite3").exists()
    finally:
        stop_group(demo)
