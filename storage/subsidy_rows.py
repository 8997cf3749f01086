"""Reading disbursement tables (CSV or XLSX, English or Chinese headers) and checking each row.

Streaming: rows are yielded one at a time with their line number, so a file
of a million rows never sits in memory. Every problem is a plain reason an
admin can act on ("第 12 行: 金额不是数字"); the importer collects them all.
"""
from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator, NamedTuple

from nlp.idcard import check_id, valid_name
from storage.subsidy_crypto import normalise_name

# column -> accepted headers (compared after NFKC, lower-case, spaces removed)
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "姓名", "户主姓名", "领取人", "领取人姓名"),
    "id_number": ("id_number", "idnumber", "身份证号", "身份证号码", "公民身份号码", "证件号码"),
    "program": ("program", "项目", "项目名称", "补贴项目", "资金项目"),
    "amount": ("amount", "金额", "发放金额", "金额(元)"),
    "paid_on": ("paid_on", "paidon", "发放日期", "发放时间", "日期"),
    "village": ("village", "村", "村/社区", "村社区", "所在村", "村名", "村代码"),
    "source": ("source", "来源", "资金来源", "发放单位", "数据来源"),
}
REQUIRED = ("name", "id_number", "program", "amount", "paid_on", "village")
MAX_AMOUNT = Decimal("100000000")  # ¥1e8: above this a row is a typo, not a subsidy
EARLIEST = date(1990, 1, 1)


class FileProblem(Exception):
    """The file as a whole cannot be read (format, missing columns): nothing is imported."""


class RawRow(NamedTuple):  # NamedTuples: a million of them are made per import
    line: int
    values: dict[str, Any]


class Row(NamedTuple):
    line: int
    id_number: str
    name: str
    program: str
    amount: Decimal
    paid_on: date
    village: str  # registry code
    source: str


def _norm_header(h: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(h or ""))).lower()


_LOOKUP = {_norm_header(alias): col for col, aliases in HEADERS.items() for alias in aliases}


def map_headers(header: list[Any]) -> dict[int, str]:
    """Column index -> field; raises FileProblem naming what is missing or doubled."""
    found: dict[int, str] = {}
    seen: dict[str, str] = {}
    for i, h in enumerate(header):
        col = _LOOKUP.get(_norm_header(h))
        if col is None:
            continue
        if col in seen:
            raise FileProblem(f"表头中“{seen[col]}”和“{h}”是同一列({col}),请只保留一个")
        seen[col] = str(h)
        found[i] = col
    missing = [c for c in REQUIRED if c not in seen]
    if missing:
        names = "、".join(f"{c}({HEADERS[c][1]})" for c in missing)
        raise FileProblem(f"表头缺少必需的列:{names}。第一行应为表头,例如 name,id_number,program,amount,paid_on,village,source")
    return found


@dataclass(frozen=True)
class FileInfo:
    sha256: str
    lines: int  # line breaks: a row-count estimate for the progress bar
    encoding: str  # of a CSV: utf-8-sig, else gb18030 (Excel on a Chinese Windows)
    xlsx: bool


def inspect_file(path: Path) -> FileInfo:
    """One pass over the bytes: SHA-256, line count, and whether a CSV is UTF-8."""
    h = hashlib.sha256()
    lines = 0
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    with open(path, "rb") as f:
        head = f.read(4)
        f.seek(0)
        while chunk := f.read(1 << 20):
            h.update(chunk)
            lines += chunk.count(b"\n")
            if is_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
    return FileInfo(h.hexdigest(), lines, "utf-8-sig" if is_utf8 else "gb18030", head == b"PK\x03\x04")


def iter_raw(path: Path, info: FileInfo) -> Iterator[RawRow]:
    return _iter_xlsx(path) if info.xlsx else _iter_csv(path, info.encoding)


def _iter_csv(path: Path, encoding: str) -> Iterator[RawRow]:
    try:
        f = open(path, newline="", encoding=encoding, errors="strict")
    except OSError as exc:
        raise FileProblem(f"无法打开文件:{exc.strerror}") from None
    with f:
        reader = csv.reader(f)
        try:
            header = next(reader, None)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise FileProblem(f"不是可读的 CSV 文件:{type(exc).__name__}") from None
        if header is None:
            raise FileProblem("文件是空的")
        cols = map_headers(header)
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            yield RawRow(reader.line_num, {col: cells[i] if i < len(cells) else "" for i, col in cols.items()})


def _iter_xlsx(path: Path) -> Iterator[RawRow]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise FileProblem(f"无法读取 XLSX 文件:{type(exc).__name__}") from None
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise FileProblem("工作表是空的")
        cols = map_headers(list(header))
        for n, cells in enumerate(rows, start=2):
            if not any(c is not None and str(c).strip() for c in cells):
                continue
            yield RawRow(n, {col: cells[i] if i < len(cells) else None for i, col in cols.items()})
    finally:
        wb.close()


def xlsx_rows(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return max((wb.worksheets[0].max_row or 1) - 1, 0)
    finally:
        wb.close()


# -- one row -------------------------------------------------------------------------------------

def _text(v: Any) -> str:
    if v is None:
        return ""
    s = str(v)
    return (s if s.isascii() else unicodedata.normalize("NFKC", s)).strip()


def parse_id(v: Any, today: date | None = None) -> tuple[str, str]:
    """(number, "") or ("", reason). A number cell from Excel has lost its last digits."""
    if isinstance(v, float) or (isinstance(v, int) and not isinstance(v, bool)):
        return "", "身份证号被 Excel 存成了数字(末几位已丢失),请把该列设为“文本”后重新填写"
    chk = check_id(_text(v), today=today)
    return (chk.number, "") if chk.ok else ("", chk.reason)


def parse_amount(v: Any) -> Decimal | str:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        amount = Decimal(str(v))
    else:
        s = _text(v).replace(",", "").replace("¥", "").removesuffix("元").strip()
        if not s:
            return "金额为空"
        try:
            amount = Decimal(s)
        except InvalidOperation:
            return f"金额“{s[:20]}”不是数字"
    if not amount.is_finite() or amount <= 0:
        return "金额必须大于0"
    if amount >= MAX_AMOUNT:
        return "金额过大(超过1亿元),请核对"
    if amount != amount.quantize(Decimal("0.01")):
        return "金额最多两位小数"
    return amount.quantize(Decimal("0.01"))


_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$|^(\d{4})(\d{2})(\d{2})$")


def _date_from_text(s: str) -> date | str:
    if len(s) == 10 and s[4] == "-" and s[7] == "-":  # the usual 2026-03-15, without the regex
        try:
            return date.fromisoformat(s)
        except ValueError:
            return f"发放日期“{s}”不存在"
    m = _DATE.match(s)
    if not m:
        return f"发放日期“{s[:20]}”看不懂,请写成 2026-03-15"
    y, mo, da = (g for g in m.groups() if g is not None)
    try:
        return date(int(y), int(mo), int(da))
    except ValueError:
        return f"发放日期“{s}”不存在"


def parse_date(v: Any, today: date) -> date | str:
    if isinstance(v, datetime):
        d: date | str = v.date()
    elif isinstance(v, date):
        d = v
    else:
        d = _date_from_text(_text(v).split(" ")[0].split("T")[0])
        if isinstance(d, str):
            return d
    if d > today:
        return f"发放日期 {d.isoformat()} 在今天之后"
    if d < EARLIEST:
        return f"发放日期 {d.isoformat()} 早于 {EARLIEST.year} 年,请核对"
    return d


def parse_name(v: Any) -> tuple[str, str]:
    """(normalised name, "") or ("", reason)."""
    name = normalise_name(_text(v))
    if not name:
        return "", "姓名为空"
    if not valid_name(name):
        return "", "姓名应为2到15个汉字"
    return name, ""


def parse_program(v: Any) -> tuple[str, str]:
    program = _text(v)
    if not program:
        return "", "项目为空"
    if len(program) > 64:
        return "", "项目名称超过64个字"
    return program, ""


# The same person, program, amount and date text recur on many rows: each is checked once per import.
_person = functools.lru_cache(maxsize=1 << 19)(lambda id_v, name_v, today: (parse_id(id_v, today), parse_name(name_v)))
_program = functools.lru_cache(maxsize=1 << 12)(parse_program)
_amount = functools.lru_cache(maxsize=1 << 16)(lambda v: parse_amount(v))
_date = functools.lru_cache(maxsize=1 << 14)(lambda v, today: parse_date(v, today))


def clear_caches() -> None:
    """Free the per-import caches (the importer calls this when it ends)."""
    for cache in (_person, _program, _amount, _date):
        cache.cache_clear()


def _cached(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except TypeError:  # an unhashable cell value: check it without the cache
        return fn.__wrapped__(*args)


def parse_row(raw: RawRow, resolve_village: Any, today: date) -> Row | str:
    """A checked row, or every reason it is wrong, joined by ";"."""
    v = raw.values
    (number, why_id), (name, why_name) = _cached(_person, v.get("id_number"), v.get("name"), today)
    program, why_program = _cached(_program, v.get("program"))
    amount = _cached(_amount, v.get("amount"))
    paid_on = _cached(_date, v.get("paid_on"), today)
    village, why_village = resolve_village(_text(v.get("village")))
    problems = [p for p in (why_id, why_name, why_program, amount if isinstance(amount, str) else "",
                            paid_on if isinstance(paid_on, str) else "", why_village) if p]
    if problems:
        return ";".join(problems)
    source = _text(v.get("source"))[:64]
    return Row(raw.line, number, name, program, amount, paid_on, village, source)  # type: ignore[arg-type]


class VillageResolver:
    """A village by registry code, by unique name or alias, or as 镇名+村名. Ambiguity is an error."""

    def __init__(self, villages: list[tuple[str, str, list[str], str]]) -> None:
        """villages: (code, name, aliases, township name)."""
        self.codes = {code for code, *_ in villages}
        self.by_name: dict[str, set[str]] = {}
        for code, name, aliases, township in villages:
            for n in {name, *aliases}:
                self.by_name.setdefault(_norm_header(n), set()).add(code)
                for t in (township, township.removesuffix("镇").removesuffix("乡").removesuffix("街道")):
                    self.by_name.setdefault(_norm_header(t + n), set()).add(code)
        self._cache: dict[str, tuple[str, str]] = {}

    def __call__(self, value: str) -> tuple[str, str]:
        hit = self._cache.get(value)
        if hit is None:
            hit = self._resolve(value)
            self._cache[value] = hit
        return hit

    def _resolve(self, value: str) -> tuple[str, str]:
        if not value:
            return "", "村为空"
        if value in self.codes:
            return value, ""
        codes = self.by_name.get(_norm_header(value), set())
        if len(codes) == 1:
            return next(iter(codes)), ""
        if len(codes) > 1:
            return "", f"村名“{value}”在登记册中不唯一({len(codes)}个),请改用村代码或写成“镇名+村名”"
        if value.isdigit():
            return "", f"村代码“{value}”不在登记册中"
        return "", f"村“{value[:20]}”不在登记册中"
