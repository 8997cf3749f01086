"""`serve` and `worker` refuse a database whose schema is behind the code (exit 3), and start once migrated."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def _env(tmp: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "QINGFENG_VAR": str(tmp / "var"),
            "QINGFENG_ENV": "development"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_refuses_an_unmigrated_database_then_starts_after_migrate(tmp_path: Path) -> None:
    port = _free_port()
    cmd = [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)]
    refused = subprocess.run(cmd, cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert refused.returncode == 3
    assert "not up to date" in refused.stderr and "qingfeng migrate" in refused.stderr
    assert "core.0001_initial" in refused.stderr and "Traceback" not in refused.stderr
    worker = subprocess.run([sys.executable, "-m", "bot.cli", "worker", "--drain"], cwd=tmp_path, env=_env(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert worker.returncode == 3 and "qingfeng migrate" in worker.stderr

    assert subprocess.run([sys.executable, "-m", "bot.cli", "migrate"], cwd=tmp_path, env=_env(tmp_path),
                          capture_output=True, timeout=120).returncode == 0
    server = subprocess.Popen(cmd, cwd=tmp_path, env=_env(tmp_path), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline, status = time.monotonic() + 60, 0
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    status = r.status
                break
            except OSError:
                time.sleep(0.3)
        assert status == 200, server.stderr.read() if server.poll() is not None else "no answer"
    finally:
        server.terminate()
        server.wait(timeout=30)
