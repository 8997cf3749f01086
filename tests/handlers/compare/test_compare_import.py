"""Reference imports: contract files import, re-imports change nothing, bad rows are named, nothing half-imported."""
from __future__ import annotations

from pathlib import Path

import pytest

from storage.models import AuditEntry, ImportBatch
from storage.models.compare import DeathRecord, Official, ProgramStandard, Registration, Relative
from storage.reference_import import KINDS, ImportFailed, import_reference
from tests.handlers.compare.conftest import HJZ, Data

CONTRACTS = Path(__file__).resolve().parents[3] / "docs" / "contracts"
COUNTS = {"deaths": (DeathRecord, 2), "officials": (Official, 2), "relatives": (Relative, 3),
          "standards": (ProgramStandard, 4), "vehicles": (Registration, 1), "businesses": (Registration, 2)}


async def test_contract_files_import_once_and_reimport_changes_nothing(data: Data) -> None:
    cipher = data.services.cipher
    for kind in KINDS:
        result = await import_reference(kind, CONTRACTS / f"compare-{kind}.example.csv", cipher)
        model, n = COUNTS[kind]
        assert result.changed and await model.all().count() == n, kind
    batches = await ImportBatch.all().count()
    for kind in KINDS:
        again = await import_reference(kind, CONTRACTS / f"compare-{kind}.example.csv", cipher)
        assert (again.created, again.updated, again.changed) == (0, 0, False), kind
    assert await ImportBatch.all().count() == batches
    official = await Official.get(post="村党支部书记")
    assert official.village_id == "610798102201"  # "东岭村" resolved by its unique name
    assert cipher.open(official.name_enc) == "刘德明" and "刘德明" not in official.id_hash
    std = await ProgramStandard.get(program="耕地地力保护补贴")
    assert (std.max_per_payment, str(std.max_per_year), std.period, std.universal) == (None, "1500.00", "year", True)
    assert await AuditEntry.filter(action="compare.import.deaths").count() == 1


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_every_bad_row_is_reported_and_nothing_is_imported(data: Data, tmp_path: Path) -> None:
    good, other = data.person(), data.person()
    path = write(tmp_path, "officials.csv", "身份证号,姓名,村,职务\n"
                 f"{good},张三,{HJZ},村委会主任\n"
                 f"{good[:-1]}{'0' if good[-1] != '0' else '1'},李四,{HJZ},会计\n"
                 f"{other},王五,石桥村,文书\n"
                 f"{other},王五,不存在村,文书\n"
                 f"{data.person()},赵六,{HJZ},\n")
    with pytest.raises(ImportFailed) as exc:
        await import_reference("officials", path, data.services.cipher)
    lines = {p.line: p.reason for p in exc.value.problems}
    assert set(lines) == {3, 4, 5, 6}
    assert "校验" in lines[3] and "不唯一" in lines[4] and "不在登记册" in lines[5] and "职务为空" in lines[6]
    assert await Official.all().count() == 0 and await ImportBatch.all().count() == 0
    skipped = await import_reference("officials", path, data.services.cipher, skip_bad=True)
    assert skipped.created == 1 and [p.line for p in skipped.skipped] == [3, 4, 5, 6]


async def test_relatives_need_their_official_and_a_changed_row_updates(data: Data, tmp_path: Path) -> None:
    boss, wife = data.person(), data.person()
    rel = write(tmp_path, "rel.csv", f"干部身份证号,亲属身份证号,关系\n{boss},{wife},配偶\n")
    with pytest.raises(ImportFailed) as exc:
        await import_reference("relatives", rel, data.services.cipher)
    assert "请先导入 officials" in exc.value.problems[0].reason
    await import_reference("officials", write(tmp_path, "o.csv", f"id_number,name,village,post\n{boss},张三,{HJZ},主任\n"),
                           data.services.cipher)
    assert (await import_reference("relatives", rel, data.services.cipher)).created == 1
    fixed = write(tmp_path, "rel2.csv", f"干部身份证号,亲属身份证号,关系\n{boss},{wife},前配偶\n")
    result = await import_reference("relatives", fixed, data.services.cipher)
    assert (result.created, result.updated) == (0, 1) and (await Relative.get()).relation == "前配偶"


@pytest.mark.parametrize("text, reason", [
    ("id_number,died_on\n{id},2026-13-01\n", "不是有效日期"),
    ("id_number,died_on\n{id},2099-01-01\n", "今天之后"),
    ("id_number,died_on\n{id},2026-01-01\n{id},2026-02-01\n", "与第2行重复但内容不同"),
    ("id_number\n{id}\n", "缺少列：死亡日期"),
])
async def test_death_list_problems_are_named(data: Data, tmp_path: Path, text: str, reason: str) -> None:
    path = write(tmp_path, "d.csv", text.format(id=data.person()))
    with pytest.raises(ImportFailed) as exc:
        await import_reference("deaths", path, data.services.cipher)
    assert any(reason in p.reason for p in exc.value.problems), exc.value.problems
    assert await DeathRecord.all().count() == 0


async def test_xlsx_with_an_id_excel_turned_into_a_number(data: Data, tmp_path: Path) -> None:
    from openpyxl import Workbook

    number = data.person()
    wb = Workbook()
    ws = wb.active
    ws.append(["身份证号", "姓名", "车牌号", "登记日期"])
    ws.append([number, "张三", "陕k88888", "2024-01-02"])
    ws.append([float(number[:17]), "李四", "陕K99999", "2024-01-02"])
    path = tmp_path / "veh.xlsx"
    wb.save(path)
    with pytest.raises(ImportFailed) as exc:
        await import_reference("vehicles", path, data.services.cipher)
    assert [p.line for p in exc.value.problems] == [3] and "Excel" in exc.value.problems[0].reason
    result = await import_reference("vehicles", path, data.services.cipher, skip_bad=True)
    reg = await Registration.get()
    assert result.created == 1 and data.services.cipher.open(reg.ref_enc) == "陕K88888"


