"""A report being written (issue 20 item 11) is sealed in Redis: a dump shows no phone, ID number or words."""
from __future__ import annotations

from typing import Any

from tests.handlers.conftest import villager  # noqa: F401,E402  (fixture)

PHONE, ID_NUMBER = "13912345678", "610798195603120010"
TEXT = f"胡家庄村会计把我家低保扣了,我叫胡大山,电话{PHONE},身份证{ID_NUMBER}"


async def _dump(redis: Any) -> bytes:
    out = b""
    async for key in redis.scan_iter("*"):
        kind = (await redis.type(key)).decode()
        if kind == "string":
            out += key + b"=" + (await redis.get(key) or b"") + b"\n"
        elif kind == "hash":
            out += key + b"=" + repr(await redis.hgetall(key)).encode() + b"\n"
        elif kind in ("list", "zset", "set"):
            out += key + b"=" + repr(await redis.dump(key)).encode() + b"\n"
    return out


async def test_report_draft_is_sealed_in_redis(villager: Any, services: Any) -> None:
    await villager.say("举报")
    await villager.say(TEXT)
    dump = await _dump(services.redis)
    assert dump, "the draft is in Redis"
    for secret in (PHONE, ID_NUMBER, "胡大山", "低保"):
        assert secret.encode() not in dump, secret
    # the flow goes on from the sealed draft
    replies = await villager.say("好了")
    assert replies and "没有说" not in replies[0]
