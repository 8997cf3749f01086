"""`qingfeng registry import`: the contract file imports, re-imports change nothing, bad files say precisely why."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REGISTRY_EXAMPLE


def qingfeng(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def env(workdir: Path) -> dict[str, str]:
    repo = Path(__file__).resolve().parents[3]
    return {"QINGFENG_VAR": str(workdir / "var"), "PYTHONPATH": str(repo)}


def test_registry_import_idempotent(workdir: Path, env: dict[str, str]) -> None:
    assert qingfeng("migrate", cwd=workdir, env=env).returncode == 0
    first = qingfeng("registry", "import", str(REGISTRY_EXAMPLE), cwd=workdir, env=env)
    assert first.returncode == 0, first.stderr
    assert "'villages': 5" in first.stdout
    second = qingfeng("registry", "import", str(REGISTRY_EXAMPLE), cwd=workdir, env=env)
    assert second.returncode == 0 and "(no changes)" in second.stdout
    shown = qingfeng("registry", "show", cwd=workdir, env=env)
    doc = json.loads(shown.stdout)
    assert [t["name"] for t in doc["townships"]] == ["南坝镇", "东岭镇", "清水乡"]
    assert (workdir / "var" / "qingfeng.sqlite3").exists()  # the embedded default under ./var


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d["townships"][0]["villages"].append({"code": "610798101201", "name": "重复村"}),
     "townships[0].villages[2]: duplicate village code 610798101201"),
    (lambda d: d["zones"][0]["townships"].append("999"), "zones[0]: unknown township code '999'"),
    (lambda d: d["townships"][1].pop("commission"), "townships[1]: 'commission' must be a non-empty string"),
    (lambda d: d["townships"][2]["villages"][0].update(elevated="yes"),
     "townships[2].villages[0]: 'elevated' must be true or false"),
])
def test_bad_registry_names_the_problem_and_imports_nothing(workdir: Path, env: dict[str, str], mutate, expected: str) -> None:
    data = json.loads(REGISTRY_EXAMPLE.read_text(encoding="utf-8"))
    mutate(data)
    bad = workdir / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert qingfeng("migrate", cwd=workdir, env=env).returncode == 0
    r = qingfeng("registry", "import", str(bad), cwd=workdir, env=env)
    assert r.returncode == 1
    assert expected in r.stderr and "nothing imported" in r.stderr
    shown = json.loads(qingfeng("registry", "show", cwd=workdir, env=env).stdout)
    assert shown["townships"] == []


def test_registry_not_json_reports_line(workdir: Path, env: dict[str, str]) -> None:
    bad = workdir / "broken.json"
    bad.write_text('{"county": {\n  "code": 1,,\n}', encoding="utf-8")
    r = qingfeng("registry", "import", str(bad), cwd=workdir, env=env)
    assert r.returncode == 1 and "invalid JSON at line 2" in r.stderr


def test_every_command_has_help(workdir: Path, env: dict[str, str]) -> None:
    from bot.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():  # type: ignore[union-attr]
        assert p.format_help().strip(), name
    r = qingfeng("--help", cwd=workdir, env=env)
    assert r.returncode == 0 and "registry" in r.stdout and "serve" in r.stdout
