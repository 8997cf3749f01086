"""`qingfeng chat`: a terminal villager that signs and encrypts exactly as the WeChat server does."""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import sys
from typing import Any

import aiohttp

from bot.config import load_settings
from bot.wechat_sim import WeChatServerSim


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("chat", help="talk to a running server as a villager",
                       description="Type messages as a villager would in WeChat. Each line is built, signed and "
                                   "encrypted as WeChat's server does and posted to the server; replies are "
                                   "decrypted and printed, and messages the server sends later (customer-service "
                                   "messages recorded by the fake WeChat API) are printed too. "
                                   "Lines may also come from a pipe.")
    p.add_argument("--url", default="http://127.0.0.1:8080", help="the qingfeng server (default %(default)s)")
    p.add_argument("--fake-api", default=None, help="the fake WeChat API, to show late messages "
                                                    "(default: WECHAT_API_BASE)")
    p.add_argument("--user", default="villager", help="who you are; the same name is the same WeChat user")
    p.add_argument("--group", default="", metavar="CHAT_ID", help="speak in a village group (WeCom chat id)")
    p.add_argument("--plain", action="store_true",
                   help="plain mode, for a server configured without an AES key (WECHAT_AES_KEY empty; then it is "
                        "the default): a server with a key refuses plain messages")
    p.add_argument("--say", action="append", default=[], metavar="TEXT",
                   help="send TEXT and exit (repeatable) instead of reading lines")
    p.add_argument("--wait", type=float, default=1.0, help="seconds to wait for late messages after each line")
    p.set_defaults(func=run)


def openid_for(user: str) -> str:
    return "o" + hashlib.sha256(f"qingfeng-chat:{user}".encode()).hexdigest()[:27]


class Terminal:
    def __init__(self, args: argparse.Namespace) -> None:
        s = load_settings()
        self.group = args.group
        if args.group:
            self.sim = WeChatServerSim(args.url.rstrip("/"), s.wecom_token, s.wecom_aes_key, s.wecom_corpid, channel="work")
            self.sender = "wu" + hashlib.sha256(args.user.encode()).hexdigest()[:10]
        else:
            self.sim = WeChatServerSim(args.url.rstrip("/"), s.wechat_token, s.wechat_aes_key, s.wechat_appid,
                                       mode="plain" if args.plain or not s.wechat_aes_key else "aes")
            self.sender = openid_for(args.user)
        self.fake = (args.fake_api or s.wechat_api_base).rstrip("/")
        self.wait = args.wait
        self.seen = 0

    async def start(self, http: aiohttp.ClientSession) -> None:
        self.seen = len(await self._late(http))

    async def _late(self, http: aiohttp.ClientSession) -> list[str]:
        try:
            async with http.get(self.fake + "/_fake/records") as r:
                records: list[dict[str, Any]] = await r.json()
        except (aiohttp.ClientError, ValueError):
            return []
        out = []
        for rec in records:
            body = rec.get("body", {})
            if body.get("touser") == self.sender and "text" in body:
                out.append(body["text"]["content"])
        return out

    async def say(self, http: aiohttp.ClientSession, line: str) -> None:
        kw: dict[str, Any] = {"chat_id": self.group} if self.group else {}
        try:
            r = await self.sim.send(http, self.sender, line, **kw)
        except aiohttp.ClientError as exc:
            print(f"(cannot reach the server at {self.sim.base_url}: {exc}; is `qingfeng demo` running?)")
            return
        if r.status != 200:
            print(f"(server refused the message: HTTP {r.status} {r.body})")
        for text in r.texts:
            print(f"清风> {text}\n")
        await asyncio.sleep(self.wait if line else 0)
        late = await self._late(http)
        for text in late[self.seen:]:
            print(f"清风> {text}\n")
        self.seen = len(late)


async def _run(args: argparse.Namespace) -> int:
    term = Terminal(args)
    async with aiohttp.ClientSession() as http:
        await term.start(http)
        if args.say:
            for line in args.say:
                print(f"你> {line}")
                await term.say(http, line)
            return 0
        interactive = sys.stdin.isatty()
        if interactive:
            where = f"village group {args.group}" if args.group else "a private chat with the official account"
            print(f"You are '{args.user}' in {where}. Type 帮助 to start, Ctrl-D to leave.")
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                print("你> ", end="", flush=True)
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                return 0
            line = line.strip()
            if not line:
                continue
            if not interactive:
                print(f"你> {line}")
            await term.say(http, line)


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_run(args))
