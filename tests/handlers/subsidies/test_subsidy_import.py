"""The import rules (SPEC): every bad row reported with its line, nothing half-imported, --skip-bad, idempotence."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from handlers.subsidies.lookup import lookup
from nlp.idcard import make_id
from storage.models import AuditEntry, ImportBatch, SubsidyRecord
from storage.subsidy_import import import_subsidies
from tests.handlers.subsidies.conftest import BASE_ROWS, HU, LI, write_csv

REPO = Path(__file__).resolve().parents[3]
ok2 = make_id("610798", date(1962, 8, 1), 5)
GOOD_A = ["王建国", ok2, "危房改造补助", "20000.00", "2025-11-30", "610798102201", "县住建局"]
GOOD_B = ["李秀英", LI.id_number, "高龄补贴", "600.00", "2026-01-10", "南坝镇石桥村", "县民政局"]

# line numbers in the file (header is line 1)
BAD_FILE = [
    GOOD_A,                                                                                   # 2
    ["张三", ok2[:-1] + ("0" if ok2[-1] != "0" else "1"), "低保", "100", "2026-01-01", "610798101201", ""],  # 3 checksum
    ["张三", ok2, "低保", "100", "2026-01-01", "石桥村", ""],                                  # 4 two 石桥村
    ["张三", ok2, "低保", "一百", "2026-01-01", "610798101201", ""],                            # 5 amount
    ["张三", ok2, "低保", "100", "2026-02-30", "610798101201", ""],                            # 6 date
    ["张三", ok2, "低保", "100", "2026-01-01", "610798999999", ""],                            # 7 unknown village
    ["张三", ok2[:6] + ok2[8:17], "低保", "100", "2026-01-01", "610798101201", ""],             # 8 15 digits
    GOOD_B,                                                                                   # 9
    GOOD_A,                                                                                   # 10 repeat of 2
]
BAD_LINES = {3: "校验", 4: "不唯一", 5: "不是数字", 6: "不存在", 7: "不在登记册", 8: "15位", 10: "第2行"}


async def test_file_with_bad_rows_reports_every_bad_row_and_imports_nothing(registry_loaded: Any, tmp_path: Path) -> None:
    s = await import_subsidies(write_csv(tmp_path / "bad.csv", BAD_FILE), registry_loaded.cipher)
    assert not s.committed and s.rows == len(BAD_FILE)
    assert {b.line for b in s.bad} == set(BAD_LINES)
    for b in s.bad:
        assert BAD_LINES[b.line] in b.reason, (b.line, b.reason)
        assert ok2 not in b.reason and "张三" not in b.reason  # reasons never echo personal data
    assert await SubsidyRecord.all().count() == 0 and await ImportBatch.all().count() == 0


async def test_skip_bad_imports_the_good_rows_only(registry_loaded: Any, tmp_path: Path) -> None:
    s = await import_subsidies(write_csv(tmp_path / "bad.csv", BAD_FILE), registry_loaded.cipher, skip_bad=True)
    assert s.committed and s.imported == 2 and len(s.bad) == len(BAD_LINES)
    rows = await SubsidyRecord.all().order_by("id").values_list("program", "amount", "village_id")
    assert rows == [("危房改造补助", Decimal("20000.00"), "610798102201"), ("高龄补贴", Decimal("600.00"), "610798101202")]
    batch = await ImportBatch.get(id=s.batch_id)
    assert batch.rows == 2 and batch.sha256 == s.sha256
    assert await AuditEntry.filter(action="subsidies.import", target=f"import_batch:{s.batch_id}").exists()


async def test_reimporting_the_same_file_adds_nothing(registry_loaded: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "base.csv", BASE_ROWS)
    first = await import_subsidies(path, registry_loaded.cipher)
    again = await import_subsidies(path, registry_loaded.cipher)
    assert first.imported == len(BASE_ROWS) and again.already_imported == first.batch_id and not again.committed
    assert await SubsidyRecord.all().count() == len(BASE_ROWS) and await ImportBatch.all().count() == 1


async def test_overlapping_file_adds_only_the_new_rows(registry_loaded: Any, tmp_path: Path) -> None:
    await import_subsidies(write_csv(tmp_path / "base.csv", BASE_ROWS), registry_loaded.cipher)
    # The same rows re-exported with different spelling (village by name, amount without decimals) plus one new.
    overlap = [[HU.name, HU.id_number, "农村低保", "1560", "2026/3/15", "胡家庄村", "民政"], GOOD_A]
    s = await import_subsidies(write_csv(tmp_path / "overlap.csv", overlap), registry_loaded.cipher)
    assert s.committed and s.imported == 1 and s.existing == 1
    assert await SubsidyRecord.all().count() == len(BASE_ROWS) + 1
    only_old = await import_subsidies(write_csv(tmp_path / "old.csv", BASE_ROWS[:2]), registry_loaded.cipher)
    assert not only_old.committed and only_old.existing == 2 and await ImportBatch.all().count() == 2


async def test_xlsx_with_chinese_headers_imports_and_can_be_looked_up(registry_loaded: Any, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "项目", "金额", "发放日期", "村", "来源"])
    ws.append([HU.name, HU.id_number, "农村低保", 1560, datetime(2026, 3, 15), "胡家庄", "县民政局"])
    ws.append([LI.name, LI.id_number, "高龄补贴", 600.5, "2026年1月10日", "610798101202", "县民政局"])
    ws.append([None, None, None, None, None, None, None])  # an empty row is skipped, not an error
    ws.append(["王五", 610798196208010051, "低保", 100, datetime(2026, 1, 1), "东岭村", ""])  # ID as an Excel number
    path = tmp_path / "名册.xlsx"
    wb.save(path)
    s = await import_subsidies(path, registry_loaded.cipher)
    assert [(b.line, "文本" in b.reason) for b in s.bad] == [(5, True)] and not s.committed
    s = await import_subsidies(path, registry_loaded.cipher, skip_bad=True)
    assert s.committed and s.imported == 2
    r = await lookup(LI.id_number, LI.name, channel="cli", actor="test", services=registry_loaded)
    assert [(v.program, v.amount, v.paid_on) for v in r.records] == [("高龄补贴", Decimal("600.50"), date(2026, 1, 10))]


async def test_gb18030_csv_from_excel_with_chinese_headers(registry_loaded: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gbk.csv", [BASE_ROWS[0]], header=["姓名", "身份证号码", "补贴项目", "发放金额", "发放日期", "村", "资金来源"],
                     encoding="gb18030")
    s = await import_subsidies(path, registry_loaded.cipher)
    assert s.committed and s.imported == 1
    assert await SubsidyRecord.filter(program="农村低保").count() == 1


async def test_missing_column_is_a_file_problem(registry_loaded: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "nocol.csv", [r[:5] for r in BASE_ROWS], header=["姓名", "身份证号", "项目", "金额", "发放日期"])
    s = await import_subsidies(path, registry_loaded.cipher)
    assert "村" in s.problem and not s.committed and await SubsidyRecord.all().count() == 0


def _cli(settings: Any, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url,
           "QINGFENG_VAR": str(settings.var_dir)}
    return subprocess.run([sys.executable, "-m", "bot.cli", "subsidies", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


async def test_cli_import_lists_bad_rows_then_skip_bad_imports_good_ones(registry_loaded: Any, settings: Any,
                                                                          tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", BAD_FILE)
    r = _cli(settings, "import", str(path))
    assert r.returncode == 1
    listed = [line for line in r.stderr.splitlines() if line.strip().startswith("line ")]
    assert [int(line.split()[1].rstrip(":")) for line in listed] == sorted(BAD_LINES)
    assert "--skip-bad" in r.stderr and await SubsidyRecord.all().count() == 0
    r = _cli(settings, "import", str(path), "--skip-bad")
    assert r.returncode == 0 and "imported 2 new record(s)" in r.stdout
    assert await SubsidyRecord.all().count() == 2
    r = _cli(settings, "import", str(path), "--skip-bad")
    assert r.returncode == 0 and "already imported" in r.stdout and await SubsidyRecord.all().count() == 2
    assert ok2 not in r.stdout + r.stderr
