"""The check every chat test ends with: no ID number or full name in logs, Redis, or anything sent out."""
from __future__ import annotations

import json
from typing import Any


async def redis_dump(redis: Any) -> bytes:
    out = bytearray()
    async for key in redis.scan_iter("*"):
        out += key + b"\n"
        kind = (await redis.type(key)).decode()
        if kind == "string":
            out += (await redis.get(key) or b"") + b"\n"
        elif kind == "hash":
            for k, v in (await redis.hgetall(key)).items():
                out += k + b"=" + v + b"\n"
        elif kind == "list":
            out += b"\n".join(await redis.lrange(key, 0, -1)) + b"\n"
        elif kind in ("set", "zset"):
            members = await (redis.smembers(key) if kind == "set" else redis.zrange(key, 0, -1))
            out += b"\n".join(members) + b"\n"
    return bytes(out)


async def assert_nothing_personal(secrets: list[str], *, services: Any, caplog: Any, sent: list[Any]) -> None:
    """`sent`: the fake WeChat API's records of this test (every outbound message)."""
    logs = "\n".join(r.getMessage() + " " + repr(r.args) for r in caplog.records)
    stored = (await redis_dump(services.redis)).decode("utf-8", errors="replace")
    outbound = json.dumps([r.body for r in sent], ensure_ascii=False)
    for s in secrets:
        assert s not in logs, f"personal value in the logs: {s[:2]}…"
        assert s not in stored, f"personal value in Redis: {s[:2]}…"
        assert s not in outbound, f"personal value sent out: {s[:2]}…"
