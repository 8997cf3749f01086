"""Helpers of the tests that run `qingfeng` as a real process: a free port, the CLI, waiting for HTTP, and a
TCP relay in front of PostgreSQL that a test (or benchmarks/chaos.py) cuts or hangs."""
from __future__ import annotations

import asyncio
import os
import signal
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


class Relay:
    """A TCP relay in front of PostgreSQL: pass, cut (drop every connection, refuse new) or hang (hold data)."""

    def __init__(self, target_port: int) -> None:
        self.target_port, self.port = target_port, free_port()
        self.flowing = asyncio.Event()
        self.flowing.set()
        self.cut = False
        self.writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                await self.flowing.wait()
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.cut:
            writer.close()
            return
        try:
            up_r, up_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self.writers |= {writer, up_w}
        await asyncio.gather(self._pipe(reader, up_w), self._pipe(up_r, writer))
        self.writers -= {writer, up_w}

    def set_cut(self, cut: bool) -> None:
        self.cut = cut
        if cut:
            for w in list(self.writers):
                w.close()

    def set_hang(self, hang: bool) -> None:
        self.flowing.clear() if hang else self.flowing.set()


def start_demo(cwd: Path, env: dict[str, str], port: int, fake_port: int,
               seconds: float = 120) -> tuple[subprocess.Popen[str], str]:
    """`qingfeng demo` in its own process group, once its banner says it is up; returns it and the banner."""
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "demo", "--port", str(port), "--fake-port",
                             str(fake_port)], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    banner, deadline = "", time.monotonic() + seconds
    while "Ctrl-C stops everything" not in banner:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line or proc.poll() is None, f"demo exited early:\n{banner}"
        banner += line
        assert time.monotonic() < deadline, f"demo did not come up:\n{banner}"
    return proc, banner


def stop_group(proc: subprocess.Popen[str] | subprocess.Popen[bytes], sig: int = signal.SIGINT,
               seconds: float = 20) -> None:
    """Stop a process started with start_new_session (and its children): `sig`, then SIGKILL after `seconds`."""
    os.killpg(proc.pid, sig)
    try:
        proc.wait(seconds)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
