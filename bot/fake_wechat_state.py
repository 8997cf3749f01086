"""What the fake WeChat knows and remembers: apps, tokens, users, templates, what was sent.

`FakeState` is the fake's whole memory (app[STATE] in-process, `/_fake/*` over HTTP); `Reject`
is how an endpoint refuses, answered as WeChat answers errors.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

FAIL_MODES = ("http500", "timeout", "busy", "errcode")


@dataclass
class SentRecord:
    kind: str  # custom | template | subscribe | wecom_app | webhook | menu | qrcode
    path: str
    body: dict[str, Any]
    time: float
    appid: str = ""  # the app (or corp) whose token sent it


@dataclass
class _Token:
    api: str  # "mp" (official account or mini-program: same token endpoint) or "work" (WeCom)
    expires_at: float
    appid: str = ""  # the appid or corpid that got it: a token works for that app alone


@dataclass
class FailurePlan:
    count: int
    mode: str
    paths: frozenset[str] | None = None  # None: every send endpoint
    errcode: int = -1
    delay: float = 10.0  # "timeout": longer than any client timeout


LONG_TERM = -1  # a long-term subscription (政务 mini-programs may have them): no count


@dataclass
class FakeState:
    apps: dict[str, str]  # appid → secret: official account and mini-program
    corps: dict[str, str]  # corpid → secret
    agentid: int
    webhook_keys: frozenset[str] | None  # None: any non-empty key is a robot
    token_ttl: int = 7200
    kinds: dict[str, str] = field(default_factory=dict)  # appid → "mp" (official account) | "miniapp"
    templates: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # appid → id → keys
    records: list[SentRecord] = field(default_factory=list)
    tokens: dict[str, _Token] = field(default_factory=dict)
    tokens_issued: Counter[str] = field(default_factory=Counter)
    requests: Counter[str] = field(default_factory=Counter)
    failures_injected: int = 0
    plan: FailurePlan | None = None
    # openid → the one app it belongs to (an openid is per app, as WeChat's are)
    owners: dict[str, str] = field(default_factory=dict)
    # (appid, openid, template id) → sends left (LONG_TERM: unlimited), as the user accepted them
    accepted: dict[tuple[str, str, str], int] = field(default_factory=dict)
    qrcodes: dict[str, dict[str, Any]] = field(default_factory=dict)  # ticket → what qrcode/create got
    menus: dict[str, dict[str, Any]] = field(default_factory=dict)  # appid → the menu created

    def reset(self) -> None:
        for collection in (self.records, self.tokens, self.tokens_issued, self.requests, self.owners, self.accepted,
                           self.qrcodes, self.menus):
            collection.clear()
        self.failures_injected = 0
        self.plan = None

    def records_of(self, kind: str | None = None) -> list[SentRecord]:
        return [r for r in self.records if kind is None or r.kind == kind]

    def app_of_kind(self, kind: str) -> str:
        return next(appid for appid, k in self.kinds.items() if k == kind)

    def follow(self, openid: str, appid: str | None = None) -> None:
        """`openid` is a user of `appid` (default: the official account), as if they had followed it."""
        self.owners[openid] = appid or self.app_of_kind("mp")

    def accept_subscribe(self, openid: str, template_id: str, *, times: int = LONG_TERM,
                         appid: str | None = None) -> None:
        """The user tapped 允许 on the mini-program's wx.requestSubscribeMessage for this template."""
        appid = appid or self.app_of_kind("miniapp")
        self.owners.setdefault(openid, appid)
        key = (appid, openid, template_id)
        left = self.accepted.get(key, 0)
        self.accepted[key] = LONG_TERM if times == LONG_TERM or left == LONG_TERM else left + times

    def stats(self) -> dict[str, Any]:
        return {
            "tokens_issued": dict(self.tokens_issued),
            "tokens_valid": sum(1 for t in self.tokens.values() if t.expires_at > time.time()),
            "requests": dict(self.requests),
            "records": len(self.records),
            "failures_injected": self.failures_injected,
            "failures_pending": self.plan.count if self.plan else 0,
        }


STATE = web.AppKey("fake_wechat_state", FakeState)


class Reject(Exception):
    """Answered as WeChat answers errors: HTTP 200 with an errcode."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(errmsg)
        self.errcode, self.errmsg = errcode, errmsg
