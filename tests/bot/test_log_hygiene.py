"""No personal data in the log from libraries (issue 20 items 11 and 13): SQL parameters under -v, bad headers."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.bot.cli.test_demo import REPO
from tests.processes import free_port as _free_port

PHONE, ID_NUMBER = "13912345678", "610798195603120010"


async def test_over_long_or_bad_header_value_is_not_logged(app_server: Any, sensitive_log: Any) -> None:
    for head in (b"X-Ref: " + ID_NUMBER.encode() + b"A" * 9000, b"X-Ref: " + ID_NUMBER.encode() + b"\x01" + PHONE.encode()):
        reader, writer = await asyncio.open_connection(app_server.host, app_server.port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: qingfeng\r\n" + head + b"\r\n\r\n")
        await writer.drain()
        answer = await reader.read(4096)
        writer.close()
        assert answer.startswith(b"HTTP/1.") and b" 400 " in answer.split(b"\r\n", 1)[0]
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in sensitive_log.records)
    assert "malformed request refused" in logged
    assert ID_NUMBER not in logged and PHONE not in logged


def test_verbose_server_log_holds_no_sql_parameters(tmp_path: Path) -> None:
    """`qingfeng -v demo`, a villager reports with a phone number in the text: the log never shows it."""
    port, fake_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(QINGFENG_VAR=str(tmp_path / "var"), PYTHONPATH=str(REPO), QINGFENG_ENV="development")
    demo = subprocess.Popen([sys.executable, "-m", "bot.cli", "-v", "demo", "--port", str(port), "--fake-port",
                             str(fake_port)], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    out = ""
    try:
        deadline = time.monotonic() + 90
        while "Ctrl-C stops everything" not in out:
            line = demo.stdout.readline()  # type: ignore[union-attr]
            assert line or demo.poll() is None, f"demo exited early:\n{out[-3000:]}"
            out += line
            assert time.monotonic() < deadline, "demo did not come up"
        text = f"胡家庄村会计张某某把我家低保扣了,我电话{PHONE},身份证{ID_NUMBER}"
        chat = subprocess.run(
            [sys.executable, "-m", "bot.cli", "chat", "--url", f"http://127.0.0.1:{port}", "--user", "verbose-test",
             "--say", "举报", "--say", text, "--say", "好了", "--say", "1",
             "--say", "跳过", "--say", "跳过", "--say", "2", "--wait", "0.5"],  # the 低保 questions skipped
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert chat.returncode == 0, chat.stderr
        assert "回执码" in chat.stdout, chat.stdout[-800:]  # the report was filed: its INSERT ran
    finally:
        os.killpg(demo.pid, signal.SIGINT)
        try:
            rest, _ = demo.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            rest, _ = demo.communicate()
        out += rest or ""
    assert PHONE not in out and ID_NUMBER not in out and "张某某" not in out
    assert "tortoise.db_client" in out and "parameters not logged" in out  # -v did log the statements
