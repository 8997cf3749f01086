"""`qingfeng user add`: the password comes from standard input and is stored as an argon2id hash only."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from admin.accounts import AccountError, create_user
from tests.conftest import REGISTRY_EXAMPLE

REPO = Path(__file__).resolve().parents[2]


def qingfeng(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"QINGFENG_VAR": str(cwd / "var"), "PYTHONPATH": str(REPO)})
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_user_add_reads_password_from_stdin_stores_argon2id_and_refuses_bad_input(tmp_path: Path) -> None:
    assert qingfeng("migrate", cwd=tmp_path).returncode == 0
    assert qingfeng("registry", "import", str(REGISTRY_EXAMPLE), cwd=tmp_path).returncode == 0
    r = qingfeng("user", "add", "nanba_li", "--role", "township_staff", "--scope", "610798101", cwd=tmp_path,
                 stdin="a-long-secret-pass\n")
    assert r.returncode == 0, r.stderr
    assert "nanba_li" in r.stdout and "a-long-secret-pass" not in r.stdout + r.stderr
    county = qingfeng("user", "add", "chief", "--role", "county_admin", cwd=tmp_path, stdin="another-long-pass\n")
    assert county.returncode == 0 and "610798" in county.stdout  # county roles default to the registry's county
    rows = dict(sqlite3.connect(tmp_path / "var" / "qingfeng.sqlite3").execute(
        "SELECT username, password_hash FROM staff").fetchall())
    assert rows["nanba_li"].startswith("$argon2id$")
    assert PasswordHasher().verify(rows["nanba_li"], "a-long-secret-pass")
    # Refusals say precisely why and create nothing.
    bad_scope = qingfeng("user", "add", "x1", "--role", "township_staff", "--scope", "999", cwd=tmp_path,
                         stdin="a-long-secret-pass\n")
    assert bad_scope.returncode == 1 and "不是行政区划中的乡镇代码" in bad_scope.stderr


async def test_create_user_refuses_short_password_taken_name_and_unknown_role(registry_loaded: Any) -> None:
    await create_user("x3", "monitor", "610798101201", "a-long-secret-pass")
    for args, why in ((("x2", "monitor", "610798101201", "short"), "至少 10 个字符"),
                      (("x3", "monitor", "610798101201", "a-long-secret-pass"), "已被使用"),
                      (("x4", "chief", "610798", "a-long-secret-pass"), "没有角色"),
                      (("x5", "county_admin", "610798101", "a-long-secret-pass"), "不是行政区划中的县代码")):
        with pytest.raises(AccountError, match=why):
            await create_user(*args)
