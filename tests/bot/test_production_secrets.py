"""Issue 20 item 2: in production (QINGFENG_ENV's default) `serve` and `worker` refuse development secrets.

Each secret is checked on its own: setting QINGFENG_HMAC_KEYS alone must not hide that the data
keys, the tokens or the session secret are still the public development values.
"""
from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main

REPO = Path(__file__).resolve().parents[2]


def _key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _aes_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()[:43]  # WeChat's EncodingAESKey: 43 characters


def own_secrets() -> dict[str, str]:
    """A secret of the operator's own for every variable that has a development value."""
    return {
        "WECHAT_TOKEN": "tok-" + os.urandom(8).hex(), "WECHAT_AES_KEY": _aes_key(),
        "WECHAT_SECRET": os.urandom(16).hex(), "MINIAPP_SECRET": os.urandom(16).hex(),
        "WECOM_TOKEN": "wtok-" + os.urandom(8).hex(), "WECOM_AES_KEY": _aes_key(),
        "WECOM_SECRET": os.urandom(16).hex(),
        "QINGFENG_HMAC_KEYS": "k2:" + _key(), "QINGFENG_DATA_KEYS": "k2:" + _key(),
        "QINGFENG_SESSION_SECRET": os.urandom(24).hex(), "QINGFENG_AUDIT_KEY": _key(),
    }


SECRETS = list(own_secrets())


def _production_env(settings: Any, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SECRETS and k != "QINGFENG_ENV"}
    env.update(DATABASE_URL=settings.database_url, REDIS_URL=settings.redis_url, QINGFENG_VAR=str(settings.var_dir))
    env.update(overrides)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["worker"]])
def test_production_refuses_to_start_on_development_secrets(settings: Any, command: list[str]) -> None:
    r = _run(command, _production_env(settings))
    assert r.returncode == 2, r.stderr
    for name in SECRETS:
        assert name in r.stderr, name


def test_setting_the_hmac_keys_alone_does_not_hide_the_default_data_keys(settings: Any) -> None:
    r = _run(["serve", "--port", "0"], _production_env(settings, QINGFENG_HMAC_KEYS="k2:" + _key()))
    assert r.returncode == 2
    assert "QINGFENG_DATA_KEYS" in r.stderr and "QINGFENG_HMAC_KEYS" not in r.stderr


@pytest.mark.parametrize("left_default", SECRETS)
def test_each_development_secret_is_refused_on_its_own(monkeypatch: pytest.MonkeyPatch, capsys: Any,
                                                       left_default: str) -> None:
    monkeypatch.delenv("QINGFENG_ENV")
    for name, value in own_secrets().items():
        if name == left_default:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert main(["worker", "--drain"]) == 2
    err = capsys.readouterr().err
    assert [n for n in SECRETS if n in err] == [left_default]


def test_development_keys_among_old_keys_are_refused(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    """A ring that still holds the public key still opens data for anyone with the database."""
    from bot.config import DEV_DATA_KEYS

    monkeypatch.delenv("QINGFENG_ENV")
    for name, value in own_secrets().items():
        monkeypatch.setenv(name, value)
    dev = base64.urlsafe_b64encode(DEV_DATA_KEYS["d1"]).decode()
    monkeypatch.setenv("QINGFENG_DATA_KEYS", f"k2:{_key()},d1:{dev}")
    assert main(["serve", "--port", "0"]) == 2
    assert "QINGFENG_DATA_KEYS" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_production_starts_once_every_secret_is_set(settings: Any) -> None:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], cwd=REPO,
                            env=_production_env(settings, **own_secrets()), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        healthy = False
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    healthy = r.status == 200
                    break
            except OSError:
                time.sleep(0.3)
        assert healthy, proc.stderr.read() if proc.poll() is not None else "no answer"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_development_environment_starts_on_development_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import load_settings

    monkeypatch.setenv("QINGFENG_ENV", "development")
    load_settings().require_production_secrets()  # no error: the demo and the tests run so
