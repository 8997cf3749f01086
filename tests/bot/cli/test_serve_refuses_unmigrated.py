"""`serve` and `worker` refuse a database whose schema is behind the code (exit 3), and start once migrated."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.processes import cli, cli_env, free_port, wait_http


def test_serve_refuses_an_unmigrated_database_then_starts_after_migrate(tmp_path: Path) -> None:
    port = free_port()
    refused = cli(tmp_path, "serve", "--port", str(port))
    assert refused.returncode == 3
    assert "not up to date" in refused.stderr and "qingfeng migrate" in refused.stderr
    assert "core.0001_initial" in refused.stderr and "Traceback" not in refused.stderr
    worker = cli(tmp_path, "worker", "--drain")
    assert worker.returncode == 3 and "qingfeng migrate" in worker.stderr

    assert cli(tmp_path, "migrate").returncode == 0
    server = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], cwd=tmp_path,
                              env=cli_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_http(f"http://127.0.0.1:{port}/healthz", server) == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
