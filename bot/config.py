"""Configuration from the environment (SPEC "Contracts").

Every setting has a laptop default so `qingfeng demo` runs with nothing set:
SQLite and an embedded Redis under ./var, development keys derived from a
fixed seed (and a loud warning when they are used outside the demo).
"""
from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEV_SEED = "qingfeng-development-only"


def _dev_key(purpose: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(f"{DEV_SEED}:{purpose}".encode()).digest()).decode()


def _keyring(raw: str) -> dict[str, bytes]:
    """`id1:base64key,id2:base64key` — the first is current; the rest still decrypt."""
    ring: dict[str, bytes] = {}
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        kid, _, b64 = part.partition(":")
        key = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
        if len(key) != 32:
            raise ValueError(f"key {kid!r} must be 32 bytes (base64), got {len(key)}")
        ring[kid] = key
    if not ring:
        raise ValueError("empty keyring")
    return ring


@dataclass(frozen=True)
class Settings:
    var_dir: Path = Path("var")
    database_url: str = ""
    redis_url: str = ""
    # Official account (公众号)
    wechat_token: str = "qingfeng-dev-token"
    wechat_aes_key: str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
    wechat_appid: str = "wx00qingfengdemo"
    wechat_secret: str = "demo-secret"
    wechat_api_base: str = "http://127.0.0.1:8081"
    # Mini-program
    miniapp_appid: str = "wx00qingfengmini"
    miniapp_secret: str = "demo-mini-secret"
    # WeCom (企业微信)
    wecom_corpid: str = "ww00qingfengdemo"
    wecom_secret: str = "demo-wecom-secret"
    wecom_agentid: str = "1000002"
    wecom_token: str = "qingfeng-dev-wecom-token"
    wecom_aes_key: str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
    wecom_api_base: str = "http://127.0.0.1:8081/wecom"
    # Personal-data keys: HMAC for lookups, AES-GCM for display (SPEC: Privacy)
    hmac_keys: dict[str, bytes] = field(default_factory=lambda: _keyring("d1:" + _dev_key("hmac")))
    data_keys: dict[str, bytes] = field(default_factory=lambda: _keyring("d1:" + _dev_key("aes")))
    session_secret: bytes = field(default_factory=lambda: hashlib.sha256(f"{DEV_SEED}:session".encode()).digest())
    # Inbound limits (WeChat rules)
    max_body_bytes: int = 64 * 1024
    timestamp_tolerance_s: int = 300
    reply_deadline_s: float = 4.0
    sender_rate_per_minute: int = 30
    # Conversations
    state_ttl_s: int = 1800
    uses_dev_keys: bool = True

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite://{self.var_dir / 'qingfeng.sqlite3'}"

    def with_(self, **kw: object) -> "Settings":
        return replace(self, **kw)  # type: ignore[arg-type]


_ENV_STR = {
    "DATABASE_URL": "database_url",
    "REDIS_URL": "redis_url",
    "WECHAT_TOKEN": "wechat_token",
    "WECHAT_AES_KEY": "wechat_aes_key",
    "WECHAT_APPID": "wechat_appid",
    "WECHAT_SECRET": "wechat_secret",
    "WECHAT_API_BASE": "wechat_api_base",
    "MINIAPP_APPID": "miniapp_appid",
    "MINIAPP_SECRET": "miniapp_secret",
    "WECOM_CORPID": "wecom_corpid",
    "WECOM_SECRET": "wecom_secret",
    "WECOM_AGENTID": "wecom_agentid",
    "WECOM_TOKEN": "wecom_token",
    "WECOM_AES_KEY": "wecom_aes_key",
    "WECOM_API_BASE": "wecom_api_base",
}
_ENV_INT = {
    "QINGFENG_MAX_BODY_BYTES": "max_body_bytes",
    "QINGFENG_STATE_TTL": "state_ttl_s",
    "QINGFENG_SENDER_RATE": "sender_rate_per_minute",
}


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    kw: dict[str, object] = {"var_dir": Path(env.get("QINGFENG_VAR", "var")).resolve()}
    for name, attr in _ENV_STR.items():
        if env.get(name):
            kw[attr] = env[name]
    for name, attr in _ENV_INT.items():
        if env.get(name):
            kw[attr] = int(env[name])
    dev = True
    if env.get("QINGFENG_HMAC_KEYS"):
        kw["hmac_keys"] = _keyring(env["QINGFENG_HMAC_KEYS"])
        dev = False
    if env.get("QINGFENG_DATA_KEYS"):
        kw["data_keys"] = _keyring(env["QINGFENG_DATA_KEYS"])
        dev = False
    if env.get("QINGFENG_SESSION_SECRET"):
        kw["session_secret"] = env["QINGFENG_SESSION_SECRET"].encode()
    kw["uses_dev_keys"] = dev
    return Settings(**kw)  # type: ignore[arg-type]
