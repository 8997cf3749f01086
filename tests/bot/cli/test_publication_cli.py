"""`qingfeng publication powers import` and `qingfeng publication late`, end to end in a fresh ./var."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
DEMO_POWERS = REPO / "storage" / "data" / "powers_demo.yaml"


def qingfeng(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(QINGFENG_VAR=str(cwd / "var"), PYTHONPATH=str(REPO), QINGFENG_ENV="development")
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_power_list_import_is_idempotent_and_a_bad_file_imports_nothing(tmp_path: Path) -> None:
    assert qingfeng("migrate", cwd=tmp_path).returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {code: A1, title: 低保申请, steps: [申请], time_limit: 30天}\n"
                   "- {code: A2, title: 宅基地审批, steps: [申请], time_limit: 20天, categories: [没有这个类别]}\n"
                   "- {code: A3, title: 危房改造, time_limit: 30天}\n", encoding="utf-8")
    r = qingfeng("publication", "powers", "import", str(bad), cwd=tmp_path)
    assert r.returncode == 1 and "2 bad row(s), nothing imported" in r.stderr
    assert "line 2: 没有这些问题类别：没有这个类别" in r.stderr and "line 3: 办理流程必填" in r.stderr
    first = qingfeng("publication", "powers", "import", str(DEMO_POWERS), cwd=tmp_path)
    assert first.returncode == 0 and "created 24" in first.stdout, first.stderr
    again = qingfeng("publication", "powers", "import", str(DEMO_POWERS), cwd=tmp_path)
    assert "created 0, updated 0, unchanged 24" in again.stdout
    skip = qingfeng("publication", "powers", "import", str(bad), "--skip-bad", cwd=tmp_path)
    assert "created 1" in skip.stdout and "skipped 2" in skip.stdout
    late = qingfeng("publication", "late", cwd=tmp_path)
    assert late.returncode == 0 and "0 late" in late.stderr
