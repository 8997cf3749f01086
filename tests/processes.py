"""Helpers of the tests that run `qingfeng` as a real process: a free port, the CLI, waiting for HTTP."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli_env(tmp: Path, **extra: str) -> dict[str, str]:
    """A bare environment: this checkout, SQLite and the embedded Redis under tmp/var, development keys."""
    return {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "QINGFENG_VAR": str(tmp / "var"),
            "QINGFENG_ENV": "development", **extra}


def cli(cwd: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120,
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd, env=env or cli_env(cwd),
                          capture_output=True, text=True, timeout=timeout)


def wait_http(url: str, proc: subprocess.Popen[str] | subprocess.Popen[bytes], seconds: float = 90) -> int:
    """The status of the first answer from `url`, while `proc` is alive."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"exited with {proc.returncode}"
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return int(r.status)
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} never answered")
