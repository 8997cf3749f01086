"""`qingfeng compare import KIND FILE` and `qingfeng compare`: the example files, end to end, in a fresh ./var."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import CONTRACTS, REGISTRY_EXAMPLE

REPO = Path(__file__).resolve().parents[3]
CONTRACTS = REPO / "docs" / "contracts"


def qingfeng(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(QINGFENG_VAR=str(cwd / "var"), PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_imports_run_the_rules_and_a_rerun_raises_nothing_new(tmp_path: Path) -> None:
    assert qingfeng("migrate", cwd=tmp_path).returncode == 0
    assert qingfeng("registry", "import", str(REGISTRY_EXAMPLE), cwd=tmp_path).returncode == 0
    subs = qingfeng("subsidies", "import", str(CONTRACTS / "subsidies.example.csv"), cwd=tmp_path)
    assert subs.returncode == 0, subs.stderr
    for kind in ("standards", "deaths", "officials", "relatives", "vehicles", "businesses"):
        r = qingfeng("compare", "import", kind, str(CONTRACTS / f"compare-{kind}.example.csv"), cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert f"{kind} imported: created" in r.stdout and "comparison run" in r.stdout
    # 李秀英 paid after her death (600 高龄 is the standard, not above); 胡大山's 低保 above the standard and with
    # a car; 王建国 (危房改造) a relative of 东岭村's secretary
    final = qingfeng("compare", cwd=tmp_path)
    assert final.returncode == 0, final.stderr
    out = final.stdout
    for found in ("after_death 1 (new 0)", "over_standard 1 (new 0)", "dibao_assets 1 (new 0)",
                  "favoritism 1 (new 0)", "duplicate 0", "multi_village 0"):
        assert found in out, out
    assert "clues filed: 0" in out
    for secret in ("李秀英", "胡大山", "610798194807090023", "610798195603120010"):
        assert secret not in out + final.stderr


def test_cli_kinds_are_the_import_kinds() -> None:
    from bot.cli.compare import KINDS
    from storage.reference_import import SPECS

    assert KINDS == tuple(SPECS)


def test_bad_file_lists_each_line_and_imports_nothing(tmp_path: Path) -> None:
    assert qingfeng("migrate", cwd=tmp_path).returncode == 0
    bad = tmp_path / "deaths.csv"
    bad.write_text("身份证号,死亡日期\n610798194807090023,2025-12-20\n610798194807090024,2025-12-20\n"
                   "610798194807090023,昨天\n", encoding="utf-8")
    r = qingfeng("compare", "import", "deaths", str(bad), cwd=tmp_path)
    assert r.returncode == 1 and "nothing imported" in r.stderr
    assert "line 3:" in r.stderr and "line 4:" in r.stderr and "line 2:" not in r.stderr
    assert "610798194807090024" not in r.stderr  # the bad number is not echoed
    ok = qingfeng("compare", "import", "deaths", str(bad), "--skip-bad", cwd=tmp_path)
    assert ok.returncode == 0 and "created 1" in ok.stdout and "skipped 2" in ok.stdout
