"""Configuration: one typed Settings; every variable keeps its SPEC name and is documented."""
from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from bot.config import ConfigError, all_variables, load_settings

REPO = Path(__file__).resolve().parents[2]
SOURCES = ["bot", "handlers", "nlp", "storage", "admin"]


def test_nothing_but_settings_reads_the_environment() -> None:
    readers = []
    for pkg in SOURCES:
        for path in (REPO / pkg).rglob("*.py"):
            if path == REPO / "bot" / "config.py":
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"os\.environ|getenv\(", text):
                readers.append(str(path.relative_to(REPO)))
    assert readers == [], f"read these through bot.config.Settings: {readers}"


def test_readme_documents_every_variable() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration"):]
    missing = [v for v in all_variables() if f"`{v}`" not in table]
    assert missing == []


def test_variables_keep_their_names() -> None:
    s = load_settings({
        "DATABASE_URL": "postgresql://db/qf", "REDIS_URL": "redis://r:6379/2", "WECHAT_TOKEN": "tok",
        "WECOM_API_BASE": "http://wecom", "QINGFENG_STATE_TTL": "99", "QINGFENG_SENDER_RATE": "7",
        "QINGFENG_MAX_BODY_BYTES": "1024", "QINGFENG_TPL_STAFF": "tpl-s", "QINGFENG_TPL_REPORTER": "tpl-r",
        "QINGFENG_TPL_SUBSIDY": "tpl-sub", "QINGFENG_OUTBOX_MAX_ATTEMPTS": "3", "QINGFENG_OUTBOX_BACKOFF": "0.5",
        "QINGFENG_OUTBOX_LEASE": "9", "QINGFENG_API_LOGIN_PER_MINUTE": "4", "QINGFENG_API_RECEIPT_PER_HOUR": "2",
        "QINGFENG_VAR": "/srv/qingfeng",
    })
    assert (s.database_url, s.redis_url, s.wechat_token, s.wecom_api_base) == (
        "postgresql://db/qf", "redis://r:6379/2", "tok", "http://wecom")
    assert (s.state_ttl_s, s.sender_rate_per_minute, s.max_body_bytes) == (99, 7, 1024)
    assert (s.tpl.staff, s.tpl.reporter, s.tpl.subsidy) == ("tpl-s", "tpl-r", "tpl-sub")
    assert (s.outbox.max_attempts, s.outbox.backoff_base, s.outbox.lease_s) == (3, 0.5, 9.0)
    assert s.api.login_per_minute == 4 and s.api.rule("receipt", "session") == (2, 3600)
    assert s.var_dir == Path("/srv/qingfeng") and s.db_url == "postgresql://db/qf"


def test_unset_and_empty_variables_take_the_laptop_defaults() -> None:
    s = load_settings({"DATABASE_URL": "", "WECHAT_TOKEN": ""})
    assert s.db_url.startswith("sqlite://") and s.db_url.endswith("var/qingfeng.sqlite3")
    assert s.wechat_token == "qingfeng-dev-token" and s.uses_dev_keys
    assert (s.tpl.staff, s.outbox.max_attempts, s.api.session_ttl_s) == ("TPL-qf-case-staff", 8, 7200)


def test_own_keys_are_not_development_keys() -> None:
    key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
    s = load_settings({"QINGFENG_HMAC_KEYS": f"k2:{key},d1:{key}", "QINGFENG_DATA_KEYS": f"k2:{key}"})
    assert list(s.hmac_keys) == ["k2", "d1"] and not s.uses_dev_keys


def test_bad_value_names_the_variable_not_the_value() -> None:
    with pytest.raises(ConfigError) as err:
        load_settings({"QINGFENG_STATE_TTL": "half an hour", "QINGFENG_DATA_KEYS": "k9:c2VjcmV0LXRvby1zaG9ydA"})
    message = str(err.value)
    assert "QINGFENG_STATE_TTL" in message and "QINGFENG_DATA_KEYS" in message
    assert "half an hour" not in message and "c2VjcmV0LXRvby1zaG9ydA" not in message
    with pytest.raises(ConfigError, match="QINGFENG_API_LOGIN_PER_MINUTE"):
        load_settings({"QINGFENG_API_LOGIN_PER_MINUTE": "many"})


def test_cli_refuses_a_bad_variable_with_status_2(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "bot.cli", "migrate"], cwd=tmp_path, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "QINGFENG_OUTBOX_LEASE": "soon"},
                         timeout=60)
    assert run.returncode == 2 and "QINGFENG_OUTBOX_LEASE" in run.stderr and "Traceback" not in run.stderr


def test_version_flag_prints_the_installed_version() -> None:
    run = subprocess.run([sys.executable, "-m", "bot.cli", "--version"], capture_output=True, text=True, timeout=60,
                         cwd=REPO)
    assert run.returncode == 0 and run.stdout.strip() == f"qingfeng {version('qingfeng')}"


def test_wechat_aes_key_none_selects_plain_mode_which_an_empty_value_cannot() -> None:
    assert load_settings({"WECHAT_AES_KEY": "none"}).wechat_aes_key == ""
    assert load_settings({"WECHAT_AES_KEY": ""}).wechat_aes_key != ""  # empty: the default, safe mode
