"""A comparison run started from the panel (比对疑点 → 立即比对): in the background, its progress in Redis.

    start(services, actor) ──SET NX──> job {"state": "running", "step", "steps", "doing", …}
        └─ asyncio task on the server that got the click: run_all(progress=…) updates the job each rule,
           then {"state": "done", "found", "new", "clues", "seconds"} or {"state": "failed", "error"}
    status(redis) -> the job, or None when none ran lately

One job at a time across servers (the key is claimed with NX; run_all holds its own lock against the
CLI and imports). A running job's key expires unless refreshed, so a server that died mid-run does not
block the button for ever. The job holds counts and rule names only, nothing personal.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import TYPE_CHECKING, Any

from storage import keys

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from bot.services import Services

log = logging.getLogger("qingfeng.compare.job")
RUNNING_TTL_S = 900  # refreshed at every step; a dead server's job is forgotten after this
RESULT_TTL_S = 7 * 86400
_TASKS: set[asyncio.Task[None]] = set()  # keeps the running tasks referenced


async def status(redis: "Redis") -> dict[str, Any] | None:
    raw = await redis.get(keys.compare_job())
    return json.loads(raw) if raw else None


async def _write(redis: "Redis", job: dict[str, Any], ttl: int) -> None:
    await redis.set(keys.compare_job(), json.dumps(job, ensure_ascii=False), ex=ttl)


async def start(services: "Services", actor: str) -> bool:
    """Start a run unless one is running; False when one is."""
    job = {"state": "running", "step": 0, "steps": 0, "doing": "排队", "actor": actor, "started": time.time()}
    current = await status(services.redis)
    if current and current.get("state") == "running":
        return False
    if current:  # a finished job's result gives way to the new run
        await services.redis.delete(keys.compare_job())
    if not await services.redis.set(keys.compare_job(), json.dumps(job, ensure_ascii=False), ex=RUNNING_TTL_S,
                                    nx=True):
        return False
    task = asyncio.create_task(_run(services, job))
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)
    return True


async def _run(services: "Services", job: dict[str, Any]) -> None:
    from handlers.compare.runner import run_all

    async def progress(step: int, steps: int, doing: str) -> None:
        job.update(step=step, steps=steps, doing=doing)
        await _write(services.redis, job, RUNNING_TTL_S)

    try:
        summary = await run_all(services, actor=job["actor"], progress=progress)
    except Exception as exc:  # the panel shows that it failed; the log has the kind of error
        log.error("comparison run from the panel failed: %s", type(exc).__name__)
        job.update(state="failed", error=type(exc).__name__, finished=time.time())
    else:
        job.update(state="done", step=job["steps"], doing="", found=summary.found, new=summary.new,
                   clues=summary.clues, seconds=round(summary.seconds, 1), finished=time.time())
    await _write(services.redis, job, RESULT_TTL_S)


async def wait(timeout: float = 60.0) -> None:
    """Until the jobs this process started are over (tests, a clean shutdown)."""
    if _TASKS:
        await asyncio.wait(set(_TASKS), timeout=timeout)
