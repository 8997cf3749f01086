"""Rows of a CSV or XLSX table, with their line numbers, under canonical column names.

Headers may be English or Chinese (each canonical column lists what it
accepts). CSV is read as UTF-8 (with or without BOM), else GB18030 as Excel
in Chinese saves it. A file that cannot be read, or lacks a required column,
is one problem at line 1.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable


class RowError(ValueError):
    """What is wrong with one row, in words an admin acts on."""


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"第{self.line}行: {self.reason}"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _raw_rows(path: Path) -> list[tuple[int, list[str]]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            return [(i, [_cell(c) for c in row]) for i, row in enumerate(ws.iter_rows(values_only=True), 1)]
        finally:
            wb.close()
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise RowError("文件不是 UTF-8 或 GB18030 编码的文本")
    reader = csv.reader(io.StringIO(text, newline=""))
    out = []
    for row in reader:
        out.append((reader.line_num, [c.strip() for c in row]))
    return out


def read_table(path: Path, headers: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """[(line, {canonical column: text})] for every non-empty data row. Raises ImportFailed-worthy RowError."""
    from storage.reference_import import ImportFailed

    if not path.exists():
        raise ImportFailed([Problem(1, f"{path}: 文件不存在")])
    try:
        rows = _raw_rows(path)
    except RowError as exc:
        raise ImportFailed([Problem(1, str(exc))]) from None
    except Exception as exc:  # a broken XLSX: say what the reader said
        raise ImportFailed([Problem(1, f"无法读取文件：{type(exc).__name__}: {exc}")]) from None
    if not rows:
        raise ImportFailed([Problem(1, "文件为空")])
    header_line, header = rows[0]
    accepted = {alias.strip().lower(): canon for canon, aliases in headers.items() for alias in aliases}
    columns = [accepted.get(h.strip().lower()) for h in header]
    missing = [headers[c][1] if len(headers[c]) > 1 else c for c in required if c not in columns]
    if missing:
        raise ImportFailed([Problem(header_line, "缺少列：" + "、".join(missing))])
    out = []
    for line, cells in rows[1:]:
        if not any(cells):
            continue
        out.append((line, {c: v for c, v in zip(columns, cells) if c is not None}))
    return out


_DATE = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$")


def parse_date(raw: str, label: str) -> date:
    text = (raw or "").strip()
    m = _DATE.match(text[:10] if re.match(r"^\d{4}-\d{2}-\d{2} ", text) else text)
    if not text or not m:
        raise RowError(f"{label}不是日期（应为 2026-03-15）：{text or '空'}")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise RowError(f"{label}不是有效日期：{text}") from None


async def village_resolver() -> Callable[[str], str]:
    """Village code or name -> code; a name two villages share is an error for that row (SPEC)."""
    from storage.models import Village

    codes: set[str] = set()
    by_name: dict[str, set[str]] = {}
    for code, name, aliases in await Village.all().values_list("code", "name", "aliases"):
        codes.add(code)
        for n in {name, *(aliases or [])}:
            by_name.setdefault(n, set()).add(code)

    def resolve(raw: str) -> str:
        text = (raw or "").strip()
        if not text:
            raise RowError("村为空")
        if text in codes:
            return text
        found = by_name.get(text, set())
        if len(found) == 1:
            return next(iter(found))
        if found:
            raise RowError(f"村名“{text}”不唯一（{'、'.join(sorted(found))}），请填写村代码")
        raise RowError(f"登记册中没有这个村：{text}")

    return resolve
