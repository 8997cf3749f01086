"""Limits of the mini-program API, from the environment (laptop defaults otherwise).

Kept in the API package rather than bot/config.py: only the API reads them, and
tests adjust them on the running app (`app[API_CONFIG]`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from aiohttp import web


@dataclass
class ApiConfig:
    session_ttl_s: int = 2 * 3600  # like WeChat's own session: the client logs in again after
    ip_per_minute: int = 240  # a village's villagers may share one mobile-carrier address
    session_per_minute: int = 60
    # Tighter buckets, per IP and per session: guessing receipts or ID numbers must be slow.
    login_per_minute: int = 20
    receipt_per_hour: int = 5  # per session, as the chat allows per sender
    receipt_ip_per_hour: int = 60  # a village on one carrier address shares this
    subsidy_per_minute: int = 5
    follow_per_minute: int = 10
    upload_ttl_s: int = 1800  # attachments may follow a report for half an hour
    attachments_per_case: int = 9  # what wx.chooseImage lets a user pick at once
    open311_page_size: int = 50

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "ApiConfig":
        env = dict(os.environ if env is None else env)
        cfg = cls()
        for name in cls.__dataclass_fields__:
            raw = env.get("QINGFENG_API_" + name.upper())
            if raw:
                setattr(cfg, name, int(raw))
        return cfg

    def rule(self, bucket: str, scope: str) -> tuple[int, int]:
        """(limit, window in seconds) of a tight bucket for scope "ip" or "session"."""
        if bucket == "receipt":
            return (self.receipt_ip_per_hour if scope == "ip" else self.receipt_per_hour), 3600
        return int(getattr(self, f"{bucket}_per_minute")), 60


API_CONFIG = web.AppKey("api_config", ApiConfig)
