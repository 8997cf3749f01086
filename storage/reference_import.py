"""Imports of the reference lists the comparison rules need (CSV or XLSX, Chinese headers accepted).

    deaths      身份证号, 姓名 (optional), 死亡日期, 来源 (optional)
    officials   身份证号, 姓名, 村 (code or name), 职务
    relatives   干部身份证号, 亲属身份证号, 亲属姓名 (optional), 关系     — officials first
    standards   项目, 单次上限, 年度上限, 发放周期 (月/季/年/一次性), 普惠 (是/否), 说明 — all but 项目 optional
    vehicles    身份证号, 姓名, 车牌号, 登记日期, 注销日期 (optional), 来源
    businesses  身份证号, 姓名, 统一社会信用代码, 登记日期, 注销日期 (optional), 来源

Same rules as the subsidy import (SPEC "Import rules"): the whole file is
validated first; every bad row is reported with its line and reason; a file
with bad rows imports nothing, unless `skip_bad` imports the good rows only.
Rows are keyed by a natural key (a person's ID hash, a program, a plate), so
importing the same file twice changes nothing. ID numbers and names are kept
as a keyed hash (the subsidy records' purpose, so rules can join) and sealed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable

from tortoise.models import Model
from tortoise.transactions import in_transaction

from storage import audit
from storage.china_time import today as china_today
from storage.crypto import PersonalDataCipher
from storage.models import ImportBatch
from storage.models.compare import DeathRecord, Official, Period, ProgramStandard, Registration, Relative
from storage.reference_rows import Problem, RowError, parse_date, read_table
from storage.subsidy_crypto import id_hash  # the subsidy records' hash: rules join on it
from storage.subsidy_import import load_resolver
from storage.subsidy_rows import parse_id

PERIODS = {"月": Period.MONTH, "按月": Period.MONTH, "季": Period.QUARTER, "按季": Period.QUARTER,
           "年": Period.YEAR, "按年": Period.YEAR, "一次性": Period.ONCE, **{p.value: p for p in Period}}
UNIVERSAL = {"": False, "否": False, "no": False, "false": False, "0": False,
             "是": True, "yes": True, "true": True, "1": True, "普惠": True}


class ImportFailed(ValueError):
    """Bad rows and nothing imported; `problems` has every one, with its line."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} bad row(s)")
        self.problems = problems


@dataclass
class ImportResult:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Problem] = field(default_factory=list)  # bad rows left out under skip_bad
    batch_id: int | None = None

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@dataclass
class Ctx:
    cipher: PersonalDataCipher
    village: Callable[[str], tuple[str, str]]  # name or code -> (code, "") or ("", why)
    officials: set[str]  # ID hashes of known officials (for relatives)


def _id(ctx: Ctx, raw: Any, what: str = "身份证号") -> tuple[str, str]:
    number, why = parse_id(raw)
    if why:
        raise RowError(f"{what}: {why}")
    return id_hash(ctx.cipher, number), number


def _text(row: dict[str, Any], col: str, label: str, *, required: bool = True, max_len: int = 64) -> str:
    value = str(row.get(col) or "").strip()
    if required and not value:
        raise RowError(f"{label}为空")
    if len(value) > max_len:
        raise RowError(f"{label}超过{max_len}个字")
    return value


def _money(row: dict[str, Any], col: str, label: str) -> Decimal | None:
    raw = str(row.get(col) or "").strip().replace(",", "")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise RowError(f"{label}不是金额：{raw}") from None
    if value <= 0 or value != value.quantize(Decimal("0.01")):
        raise RowError(f"{label}应为正数且最多两位小数：{raw}")
    return value.quantize(Decimal("0.01"))


def _person(ctx: Ctx, row: dict[str, Any], *, name_required: bool) -> dict[str, Any]:
    id_hash, number = _id(ctx, row.get("id_number", ""))
    name = _text(row, "name", "姓名", required=name_required)
    return {"id_hash": id_hash, "id_enc": ctx.cipher.seal(number),
            "name_enc": ctx.cipher.seal(name) if name else None}


def _death(ctx: Ctx, row: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    v = _person(ctx, row, name_required=False)
    died = parse_date(row.get("died_on", ""), "死亡日期")
    if died > china_today():
        raise RowError(f"死亡日期在今天之后：{died}")
    v.update(died_on=died, source=_text(row, "source", "来源", required=False))
    return (v["id_hash"],), v


def _official(ctx: Ctx, row: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    v = _person(ctx, row, name_required=True)
    code, why = ctx.village(str(row.get("village") or "").strip())
    if why:
        raise RowError(why)
    v.update(village_id=code, post=_text(row, "post", "职务", max_len=32))
    return (v["id_hash"], v["village_id"]), v


def _relative(ctx: Ctx, row: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    official_hash, _ = _id(ctx, row.get("official_id_number", ""), "干部身份证号")
    if official_hash not in ctx.officials:
        raise RowError("干部身份证号不在已导入的村干部名单中（请先导入 officials）")
    v = _person(ctx, row, name_required=False)
    if v["id_hash"] == official_hash:
        raise RowError("亲属身份证号与干部本人相同")
    v.update(official_hash=official_hash, relation=_text(row, "relation", "关系", max_len=16))
    return (official_hash, v["id_hash"]), v


def _standard(ctx: Ctx, row: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    program = _text(row, "program", "项目")
    raw_period = str(row.get("period") or "").strip() or "月"
    if raw_period not in PERIODS:
        raise RowError(f"发放周期应为 月、季、年 或 一次性：{raw_period}")
    universal = str(row.get("universal") or "").strip().lower()
    if universal not in UNIVERSAL:
        raise RowError(f"普惠应为 是 或 否：{universal}")
    v = {"program": program, "max_per_payment": _money(row, "max_per_payment", "单次上限"),
         "universal": UNIVERSAL[universal],
         "max_per_year": _money(row, "max_per_year", "年度上限"), "period": PERIODS[raw_period],
         "notes": _text(row, "notes", "说明", required=False, max_len=500)}
    return (program,), v


def _registration(kind: str, ref_label: str) -> Callable[[Ctx, dict[str, Any]], tuple[tuple[Any, ...], dict[str, Any]]]:
    def parse(ctx: Ctx, row: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        v = _person(ctx, row, name_required=False)
        ref = _text(row, "ref", ref_label, max_len=32).upper()
        start = parse_date(row.get("registered_on", ""), "登记日期")
        end = parse_date(row["ended_on"], "注销日期") if str(row.get("ended_on") or "").strip() else None
        if end is not None and end < start:
            raise RowError(f"注销日期早于登记日期：{end} < {start}")
        v.update(kind=kind, ref_hash=ctx.cipher.lookup_hash(f"{kind}:{ref}", purpose="registration"),
                 ref_enc=ctx.cipher.seal(ref), registered_on=start, ended_on=end,
                 source=_text(row, "source", "来源", required=False))
        return (kind, v["ref_hash"]), v

    return parse


@dataclass(frozen=True)
class Kind:
    model: type[Model]
    headers: dict[str, tuple[str, ...]]  # canonical column -> accepted headers (first is the English one)
    required: tuple[str, ...]
    key: tuple[str, ...]  # natural key fields of the model
    parse: Callable[[Ctx, dict[str, Any]], tuple[tuple[Any, ...], dict[str, Any]]]


_PERSON = {"id_number": ("id_number", "身份证号", "身份证号码", "公民身份号码"), "name": ("name", "姓名")}
_SOURCE = {"source": ("source", "来源", "数据来源")}
_REG = {"registered_on": ("registered_on", "登记日期", "成立日期"), "ended_on": ("ended_on", "注销日期")}
SPECS: dict[str, Kind] = {
    "deaths": Kind(DeathRecord, {**_PERSON, "died_on": ("died_on", "死亡日期"), **_SOURCE},
                   ("id_number", "died_on"), ("id_hash",), _death),
    "officials": Kind(Official, {**_PERSON, "village": ("village", "村", "村名", "村代码", "所在村"),
                                 "post": ("post", "职务")},
                      ("id_number", "name", "village", "post"), ("id_hash", "village_id"), _official),
    "relatives": Kind(Relative, {"official_id_number": ("official_id_number", "干部身份证号"),
                                 "id_number": ("id_number", "亲属身份证号", "身份证号"),
                                 "name": ("name", "亲属姓名", "姓名"), "relation": ("relation", "关系", "亲属关系")},
                      ("official_id_number", "id_number", "relation"), ("official_hash", "id_hash"), _relative),
    "standards": Kind(ProgramStandard, {"program": ("program", "项目", "项目名称"),
                                        "max_per_payment": ("max_per_payment", "单次上限", "单笔上限"),
                                        "max_per_year": ("max_per_year", "年度上限"),
                                        "period": ("period", "发放周期", "周期"),
                                        "universal": ("universal", "普惠", "是否普惠"),
                                        "notes": ("notes", "说明", "资格说明")},
                      ("program",), ("program",), _standard),
    "vehicles": Kind(Registration, {**_PERSON, "ref": ("plate", "车牌号", "号牌号码"), **_REG, **_SOURCE},
                     ("id_number", "ref", "registered_on"), ("kind", "ref_hash"), _registration("vehicle", "车牌号")),
    "businesses": Kind(Registration, {**_PERSON, "ref": ("licence", "统一社会信用代码", "注册号"), **_REG, **_SOURCE},
                       ("id_number", "ref", "registered_on"), ("kind", "ref_hash"),
                       _registration("business", "统一社会信用代码")),
}
KINDS = tuple(SPECS)
_SEALED = ("id_enc", "name_enc", "ref_enc")  # re-sealing gives new bytes: compare these by presence only


def _differs(obj: Model, values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in values.items():
        old = getattr(obj, k)
        if k in _SEALED:
            if (old is None) != (v is None):
                out[k] = v
        elif old != v:
            out[k] = v
    return out


async def import_reference(kind: str, path: Path, cipher: PersonalDataCipher, *, skip_bad: bool = False,
                           actor: str = "cli") -> ImportResult:
    """Validate the whole file, then write it in one transaction (see the module docstring)."""
    spec = SPECS[kind]
    digest, rows = read_table(Path(path), spec.headers, spec.required)
    ctx = Ctx(cipher, await load_resolver(),
              set(await Official.all().values_list("id_hash", flat=True)) if kind == "relatives" else set())
    good: dict[tuple[Any, ...], tuple[int, dict[str, Any]]] = {}
    problems: list[Problem] = []
    for line, row in rows:
        try:
            key, values = spec.parse(ctx, row)
        except RowError as exc:
            problems.append(Problem(line, str(exc)))
            continue
        if key in good:
            first, before = good[key]
            if _differs_plain(before, values):
                problems.append(Problem(line, f"与第{first}行重复但内容不同"))
            continue
        good[key] = (line, values)
    if problems and not skip_bad:
        raise ImportFailed(problems)
    result = ImportResult(kind, skipped=problems)
    async with in_transaction():
        existing = await _existing(spec, list(good))
        new: list[Model] = []
        for key, (_, values) in good.items():
            obj = existing.get(key)
            if obj is None:
                new.append(spec.model(**values))
                continue
            changed = _differs(obj, values)
            if changed:
                await spec.model.filter(pk=obj.pk).update(**changed)
                result.updated += 1
            else:
                result.unchanged += 1
        result.created = len(new)
        if result.changed:
            batch = await ImportBatch.create(kind=kind, filename=Path(path).name[:255], sha256=digest,
                                             rows=result.created + result.updated, actor=actor)
            result.batch_id = batch.id
            for obj in new:
                obj.batch_id = batch.id  # type: ignore[attr-defined]
            await spec.model.bulk_create(new, batch_size=1000)
            await audit.append(actor, f"compare.import.{kind}", f"batch:{batch.id}",
                               {"created": result.created, "updated": result.updated, "skipped": len(problems)})
    return result


def _differs_plain(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return any(a[k] != b[k] for k in a if k not in _SEALED)


async def _existing(spec: Kind, keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], Model]:
    """The stored rows with these natural keys, by key (looked up in chunks on the first key field)."""
    first = spec.key[0]
    out: dict[tuple[Any, ...], Model] = {}
    values = sorted({k[0] for k in keys}, key=str)
    for i in range(0, len(values), 1000):
        for obj in await spec.model.filter(**{f"{first}__in": values[i:i + 1000]}):
            out[tuple(getattr(obj, f) for f in spec.key)] = obj
    return out
