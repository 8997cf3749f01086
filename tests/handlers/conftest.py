"""Fixtures for the villagers' conversations: a villager who types into WeChat, and scans for leaks."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import pytest

from bot.wechat_sim import SimReply, WeChatServerSim


@dataclass
class Villager:
    """One WeChat user talking to the official account through the encrypting simulator."""

    sim: WeChatServerSim
    http: Any
    openid: str

    async def say(self, text: str = "", **kw: Any) -> list[str]:
        r = await self.raw(text, **kw)
        assert r.status == 200, r.body
        return r.texts

    async def one(self, text: str = "", **kw: Any) -> str:
        texts = await self.say(text, **kw)
        assert len(texts) == 1, texts  # every reply fits one WeChat message
        return texts[0]

    async def raw(self, text: str = "", **kw: Any) -> SimReply:
        return await self.sim.send(self.http, self.openid, text, **kw)


def new_openid() -> str:
    return "o" + secrets.token_hex(14)[:27]


@pytest.fixture
def villager(wechat: WeChatServerSim, http: Any, registry_loaded: Any) -> Villager:
    return Villager(wechat, http, new_openid())


@pytest.fixture
def make_villager(wechat: WeChatServerSim, http: Any, registry_loaded: Any) -> Any:
    def make() -> Villager:
        return Villager(wechat, http, new_openid())

    return make


async def all_rows() -> list[str]:
    """Every row of every table, as text, for leak scans."""
    from tortoise import Tortoise

    out: list[str] = []
    for app in Tortoise.apps.values():
        for model in app.values():
            for row in await model.all().values():
                out.append(repr(row))
    return out


async def all_redis(services: Any) -> list[bytes]:
    """Every Redis key and value (strings, hashes, lists, sets, sorted sets)."""
    r = services.redis
    out: list[bytes] = []
    async for key in r.scan_iter("*"):
        out.append(key)
        kind = (await r.type(key)).decode()
        if kind == "string":
            out.append(await r.get(key) or b"")
        elif kind == "hash":
            out.extend(b"%s=%s" % kv for kv in (await r.hgetall(key)).items())
        elif kind == "list":
            out.extend(await r.lrange(key, 0, -1))
        elif kind in ("set",):
            out.extend(await r.smembers(key))
        elif kind == "zset":
            out.extend(await r.zrange(key, 0, -1))
    return out


async def past_questions(v: Villager, reply: str) -> str:
    """The category's optional questions (handlers.report_details) skipped: the reply asking 实名 or 匿名."""
    from handlers import report_texts as T

    for _ in range(3):
        if reply == T.ASK_IDENTITY:
            return reply
        reply = await v.one("跳过")
    raise AssertionError(f"no 实名/匿名 question after the category's questions: {reply}")


async def confirmed(v: Villager) -> str:
    """1 对 at the confirmation, then the category's questions skipped: the reply asking 实名 or 匿名."""
    return await past_questions(v, await v.one("1"))
