"""Configuration: one typed Settings (pydantic-settings) for every variable the code reads.

The variable names are SPEC "Contracts" and never change: `DATABASE_URL`, `WECHAT_TOKEN`, … at the
top level, `QINGFENG_API_*`, `QINGFENG_OUTBOX_*` and `QINGFENG_TPL_*` in their groups. The README's
configuration table lists them all. Every setting has a laptop default so `qingfeng demo` runs with
nothing set: SQLite and an embedded Redis under ./var, development keys derived from a fixed seed.

`Settings()` reads the process environment (empty values count as unset); keyword arguments win
over it, so tests build exactly the settings they need. A feature adds its variable here as a field
with `env("NAME")` (top level) or in its group; nowhere else reads `os.environ`.
"""
from __future__ import annotations

import base64
import hashlib
import ipaddress
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, SettingsConfigDict
from pydantic_settings.sources.utils import parse_env_vars

if TYPE_CHECKING:
    from bot.wechat_templates import TemplateSpec

DEV_SEED = "qingfeng-development-only"


def _dev_key(purpose: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(f"{DEV_SEED}:{purpose}".encode()).digest()).decode()


def _key32(b64: str, name: str = "key") -> bytes:
    key = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
    if len(key) != 32:
        raise ValueError(f"{name} must be 32 bytes (base64), got {len(key)}")
    return key


def _keyring(raw: str) -> dict[str, bytes]:
    """`id1:base64key,id2:base64key` — the first is current; the rest still decrypt."""
    ring: dict[str, bytes] = {}
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        kid, _, b64 = part.partition(":")
        ring[kid] = _key32(b64, f"key {kid!r}")
    if not ring:
        raise ValueError("empty keyring")
    return ring


DEV_HMAC_KEYS = _keyring("d1:" + _dev_key("hmac"))
DEV_DATA_KEYS = _keyring("d1:" + _dev_key("aes"))
DEV_SESSION_SECRET = hashlib.sha256(f"{DEV_SEED}:session".encode()).digest()
DEV_AUDIT_KEY = hashlib.sha256(f"{DEV_SEED}:audit".encode()).digest()

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(raw: str) -> tuple[Network, ...]:
    """`10.0.0.5, 10.1.0.0/16, ::1` -> networks (an address is a /32 or /128)."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip())

# `load_settings(env)` with an explicit mapping reads it instead of os.environ (for tests and tools).
_ENV_OVERRIDE: ContextVar[Mapping[str, str] | None] = ContextVar("qingfeng_env_override", default=None)


class _Environment(EnvSettingsSource):
    def _load_env_vars(self) -> Mapping[str, str | None]:
        env = _ENV_OVERRIDE.get()
        if env is None:
            return super()._load_env_vars()
        return parse_env_vars(env, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str)


class _FromEnv(BaseSettings):
    model_config = SettingsConfigDict(env_ignore_empty=True, extra="ignore", populate_by_name=True)

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: Any, env_settings: Any,
                                   dotenv_settings: Any, file_secret_settings: Any) -> tuple[Any, ...]:
        return init_settings, _Environment(settings_cls)

    @classmethod
    def variables(cls) -> dict[str, str]:
        """Field name -> the environment variable it is read from (groups not included)."""
        prefix = str(cls.model_config.get("env_prefix", ""))
        out: dict[str, str] = {}
        for name, f in cls.model_fields.items():
            if isinstance(f.default_factory, type) and issubclass(f.default_factory, _FromEnv):
                continue
            alias = f.validation_alias
            names = [c for c in alias.choices if isinstance(c, str)] if isinstance(alias, AliasChoices) else []
            out[name] = (names[-1] if names else prefix + name).upper()
        return out


def env(name: str) -> Any:
    """The variable a top-level field is read from (the field's own name still works as a keyword)."""
    return AliasChoices(name)


class ApiSettings(_FromEnv):
    """Limits of the mini-program API (`QINGFENG_API_<FIELD>`, e.g. `QINGFENG_API_LOGIN_PER_MINUTE`)."""
    model_config = SettingsConfigDict(env_prefix="QINGFENG_API_")

    session_ttl_s: int = 2 * 3600  # like WeChat's own session: the client logs in again after
    ip_per_minute: int = 240  # a village's villagers may share one mobile-carrier address
    session_per_minute: int = 60
    # Tighter buckets, per IP and per session: guessing receipts or ID numbers must be slow.
    login_per_minute: int = 20
    receipt_per_hour: int = 5  # per session, as the chat allows per sender
    receipt_ip_per_hour: int = 60  # a village on one carrier address shares this
    subsidy_per_minute: int = 5
    follow_per_minute: int = 10
    similar_per_hour: int = 10  # similar-report checks per session: each tells whether a case like a text exists
    vote_per_minute: int = 10  # 点题 votes: one counts per round, the rest are refused
    upload_ttl_s: int = 1800  # attachments may follow a report for half an hour
    attachments_per_case: int = 9  # what wx.chooseImage lets a user pick at once
    open311_page_size: int = 50

    def rule(self, bucket: str, scope: str) -> tuple[int, int]:
        """(limit, window in seconds) of a tight bucket for scope "ip" or "session"."""
        if bucket == "receipt":
            return (self.receipt_ip_per_hour if scope == "ip" else self.receipt_per_hour), 3600
        return int(getattr(self, f"{bucket}_per_minute")), 60


class OutboxSettings(_FromEnv):
    """The outbox sender (`QINGFENG_OUTBOX_MAX_ATTEMPTS`, `QINGFENG_OUTBOX_BACKOFF`, `QINGFENG_OUTBOX_LEASE`, …)."""
    model_config = SettingsConfigDict(env_prefix="QINGFENG_OUTBOX_")

    # tries after which a message still not delivered is listed in the panel as delayed (/admin/outbox,
    # handlers/cases/refused.py): it is still retried; only WeChat's definitive refusals end a message
    max_attempts: int = Field(8, ge=1)
    backoff_base: float = Field(2.0, validation_alias=AliasChoices("backoff_base", "QINGFENG_OUTBOX_BACKOFF"))
    backoff_cap: float = 300.0  # an outage of any length: retried at least every 5 minutes until WeChat answers
    lease_s: float = Field(60.0, validation_alias=AliasChoices("lease_s", "QINGFENG_OUTBOX_LEASE"))
    batch: int = 200
    concurrency: int = 8  # also the most a killed worker can send twice (in flight, not yet marked)

    def backoff(self, attempts: int) -> float:
        import random

        delay = min(self.backoff_cap, self.backoff_base * 2 ** max(attempts - 1, 0))
        return delay * random.uniform(0.8, 1.2)


class TemplateSettings(_FromEnv):
    """The official account's template messages and the mini-program's subscribe messages: for each
    purpose (bot/wechat_templates.py) the template id (`QINGFENG_TPL_STAFF`, …) and the map of the
    template's typed keys to our values (`QINGFENG_TPL_STAFF_FIELDS`, …), checked when loaded."""
    model_config = SettingsConfigDict(env_prefix="QINGFENG_TPL_")

    staff: str = "TPL-qf-case-staff"
    staff_fields: str = "thing1=label,character_string2=number,thing3=category,thing4=place,date5=due,thing6=note"
    reporter: str = "TPL-qf-case-progress"
    reporter_fields: str = "character_string1=number,thing2=news,date3=date,thing4=hint"
    subsidy: str = "TPL-qf-subsidy-new"
    subsidy_fields: str = "thing1=title,number2=count,thing3=hint"
    reporter_subscribe: str = "SUB-qf-case-progress"  # a subscribe template of the mini-program
    reporter_subscribe_fields: str = "character_string1=number,phrase2=status,date3=date,thing4=hint"

    def specs(self) -> dict[str, "TemplateSpec"]:
        """Each purpose's template as configured."""
        from bot.wechat_templates import PURPOSES, TemplateSpec

        return {name: TemplateSpec.parse(getattr(self, name), getattr(self, f"{name}_fields")) for name in PURPOSES}

    @model_validator(mode="after")
    def _check(self) -> "TemplateSettings":
        from bot.wechat_templates import TemplateConfigError, check_all

        try:
            check_all(self.specs())
        except TemplateConfigError as err:
            raise ValueError("; ".join(err.problems)) from None
        return self


class Settings(_FromEnv):
    model_config = SettingsConfigDict(frozen=True)

    # production refuses to start on a development secret (SPEC "Contracts", `development_secrets`)
    environment: Literal["production", "development"] = Field("production", validation_alias=env("QINGFENG_ENV"))
    var_dir: Path = Field(Path("var"), validation_alias=env("QINGFENG_VAR"))
    database_url: str = Field("", validation_alias=env("DATABASE_URL"))
    redis_url: str = Field("", validation_alias=env("REDIS_URL"))
    # Official account (公众号)
    wechat_token: str = Field("qingfeng-dev-token", validation_alias=env("WECHAT_TOKEN"))
    wechat_aes_key: str = Field("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", validation_alias=env("WECHAT_AES_KEY"))
    wechat_appid: str = Field("wx00qingfengdemo", validation_alias=env("WECHAT_APPID"))
    wechat_secret: str = Field("demo-secret", validation_alias=env("WECHAT_SECRET"))
    wechat_api_base: str = Field("http://127.0.0.1:8081", validation_alias=env("WECHAT_API_BASE"))
    # Where QR images are fetched with their ticket (WeChat: https://mp.weixin.qq.com); "" = WECHAT_API_BASE
    wechat_qr_base: str = Field("", validation_alias=env("WECHAT_QR_BASE"))
    # Mini-program
    miniapp_appid: str = Field("wx00qingfengmini", validation_alias=env("MINIAPP_APPID"))
    miniapp_secret: str = Field("demo-mini-secret", validation_alias=env("MINIAPP_SECRET"))
    # WeCom (企业微信)
    wecom_corpid: str = Field("ww00qingfengdemo", validation_alias=env("WECOM_CORPID"))
    wecom_secret: str = Field("demo-wecom-secret", validation_alias=env("WECOM_SECRET"))
    wecom_agentid: str = Field("1000002", validation_alias=env("WECOM_AGENTID"))
    wecom_token: str = Field("qingfeng-dev-wecom-token", validation_alias=env("WECOM_TOKEN"))
    wecom_aes_key: str = Field("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq", validation_alias=env("WECOM_AES_KEY"))
    wecom_api_base: str = Field("http://127.0.0.1:8081/wecom", validation_alias=env("WECOM_API_BASE"))
    # Personal-data keys: HMAC for lookups, AES-GCM for display (SPEC: Privacy)
    hmac_keys: Annotated[dict[str, bytes], NoDecode] = Field(
        default_factory=lambda: dict(DEV_HMAC_KEYS), validation_alias=env("QINGFENG_HMAC_KEYS"))
    data_keys: Annotated[dict[str, bytes], NoDecode] = Field(
        default_factory=lambda: dict(DEV_DATA_KEYS), validation_alias=env("QINGFENG_DATA_KEYS"))
    session_secret: bytes = Field(DEV_SESSION_SECRET, validation_alias=env("QINGFENG_SESSION_SECRET"))
    # The audit chain's HMAC key (base64, 32 bytes): outside the database, so the table cannot be re-chained
    audit_key: bytes = Field(DEV_AUDIT_KEY, validation_alias=env("QINGFENG_AUDIT_KEY"))
    # An installation upgraded from the unkeyed chain: the id of its last SHA-256 entry (0: none)
    audit_legacy_until: int = Field(0, ge=0, validation_alias=env("QINGFENG_AUDIT_LEGACY_UNTIL"))
    # Reverse proxies whose X-Forwarded-For sets the client address (addresses or CIDRs; none by default)
    trusted_proxies: Annotated[tuple[Network, ...], NoDecode] = Field(
        (), validation_alias=env("QINGFENG_TRUSTED_PROXIES"))
    # Inbound limits (WeChat rules)
    max_body_bytes: int = Field(64 * 1024, validation_alias=env("QINGFENG_MAX_BODY_BYTES"))
    timestamp_tolerance_s: int = Field(300, validation_alias=env("QINGFENG_TIMESTAMP_TOLERANCE"))
    reply_deadline_s: float = Field(4.0, validation_alias=env("QINGFENG_REPLY_DEADLINE"))
    sender_rate_per_minute: int = Field(30, validation_alias=env("QINGFENG_SENDER_RATE"))
    # Messages one server process works on at once; past it they are queued (bot.inbound_queue)
    inflight_limit: int = Field(128, ge=1, validation_alias=env("QINGFENG_INFLIGHT_LIMIT"))
    # Conversations
    state_ttl_s: int = Field(1800, validation_alias=env("QINGFENG_STATE_TTL"))
    # Retention (SPEC Privacy): personal data of a case closed this many days ago is purged
    retention_days: int = Field(730, ge=1, validation_alias=env("QINGFENG_RETENTION_DAYS"))
    # Open311 GeoReport v2 under /open311/v2: off unless QINGFENG_OPEN311=1 (SPEC "Contracts")
    open311: bool = Field(False, validation_alias=env("QINGFENG_OPEN311"))
    # The panel's public address (scheme, host, port): links in staff notices (WeCom cards) point there
    panel_url: str = Field("http://127.0.0.1:8080", validation_alias=env("QINGFENG_PANEL_URL"))
    # Operations
    log_format: Literal["text", "json"] = Field("text", validation_alias=env("QINGFENG_LOG_FORMAT"))
    worker_metrics_port: int = Field(0, validation_alias=env("QINGFENG_WORKER_METRICS_PORT"))
    # Groups (each reads its own QINGFENG_<GROUP>_* variables)
    api: ApiSettings = Field(default_factory=ApiSettings)
    outbox: OutboxSettings = Field(default_factory=OutboxSettings)
    tpl: TemplateSettings = Field(default_factory=TemplateSettings)

    @field_validator("hmac_keys", "data_keys", mode="before")
    @classmethod
    def _parse_keyring(cls, value: Any) -> Any:
        return _keyring(value) if isinstance(value, str) else value

    @field_validator("audit_key", mode="before")
    @classmethod
    def _parse_audit_key(cls, value: Any) -> Any:
        return _key32(value) if isinstance(value, str) else value

    @field_validator("wechat_aes_key", mode="before")
    @classmethod
    def _plain_mode(cls, value: Any) -> Any:
        # An empty variable is ignored (the default applies), so plain mode — WeChat's sandbox account
        # knows no other — is asked for by name.
        return "" if isinstance(value, str) and value.strip().lower() == "none" else value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _parse_networks(cls, value: Any) -> Any:
        return _networks(value) if isinstance(value, str) else value

    @field_validator("var_dir", mode="after")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.resolve()

    @property
    def uses_dev_keys(self) -> bool:
        return self.hmac_keys == DEV_HMAC_KEYS and self.data_keys == DEV_DATA_KEYS

    def development_secrets(self) -> list[str]:
        """The variables whose secret still has its public development value, each checked on its own."""
        names = type(self).variables()
        fields = type(self).model_fields
        plain = ["wechat_token", "wechat_aes_key", "wechat_secret", "miniapp_secret", "wecom_token",
                 "wecom_aes_key", "wecom_secret"]
        found = [names[f] for f in plain if getattr(self, f) == fields[f].default]
        if set(self.hmac_keys.values()) & set(DEV_HMAC_KEYS.values()):
            found.append(names["hmac_keys"])
        if set(self.data_keys.values()) & set(DEV_DATA_KEYS.values()):
            found.append(names["data_keys"])
        if self.session_secret == DEV_SESSION_SECRET:
            found.append(names["session_secret"])
        if self.audit_key == DEV_AUDIT_KEY:
            found.append(names["audit_key"])
        return found

    def require_production_secrets(self) -> None:
        """`serve` and `worker`: in production, refuse every development secret (ConfigError: exit 2)."""
        found = self.development_secrets() if self.environment == "production" else []
        if found:
            raise ConfigError("QINGFENG_ENV is production (the default) but these secrets still have their public "
                              "development values: " + ", ".join(found) + ". Set each to a secret of your own "
                              "(see docs/SECURITY.md), or QINGFENG_ENV=development on a laptop.")

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite://{self.var_dir / 'qingfeng.sqlite3'}"

    def with_(self, **kw: object) -> "Settings":
        """A copy with some fields changed (validated like the original)."""
        return type(self).model_validate({**{k: getattr(self, k) for k in type(self).model_fields}, **kw})


GROUPS: tuple[type[_FromEnv], ...] = (Settings, ApiSettings, OutboxSettings, TemplateSettings)


def all_variables() -> list[str]:
    """Every environment variable the code reads (the README's configuration table lists them)."""
    return [v for group in GROUPS for v in group.variables().values()]


class ConfigError(ValueError):
    """A variable has a value its setting cannot take; the message names each such variable."""


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from the process environment, or from `env` alone when given.

    Raises ConfigError naming each bad variable (never its value: it may be a secret)."""
    token = _ENV_OVERRIDE.set(env) if env is not None else None
    try:
        return Settings()
    except ValidationError as exc:
        group = next((g for g in GROUPS if g.__name__ == exc.title), Settings)
        names = group.variables()
        problems = [f"{names.get(str(e['loc'][0]), str(e['loc'][0])) if e['loc'] else group.__name__}: {e['msg']}"
                    for e in exc.errors()]
        raise ConfigError("bad configuration: " + "; ".join(problems)) from None
    finally:
        if token is not None:
            _ENV_OVERRIDE.reset(token)
