"""Rows of a CSV or XLSX table, with their line numbers, under canonical column names.

Headers may be English or Chinese (each canonical column lists what it
accepts), matched as the subsidy import matches them; the encoding of a CSV
(UTF-8, else GB18030) and XLSX-ness come from the subsidy import's
`inspect_file`. Its row iterator is tied to the subsidy columns, hence this
small reader. A file that cannot be read, or lacks a required column, is one
problem at line 1.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from storage.subsidy_rows import FileInfo, inspect_file
from storage.subsidy_rows import _norm_header as norm_header  # the subsidy import's header matching


class RowError(ValueError):
    """What is wrong with one row, in words an admin acts on."""


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"第{self.line}行: {self.reason}"


def _cell(value: Any) -> Any:
    """Cells as text, except numbers: an ID number Excel turned into a float must stay one to be told apart."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value).strip()


def _raw_rows(path: Path, info: FileInfo) -> list[tuple[int, list[Any]]]:
    if info.xlsx:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            return [(i, [_cell(c) for c in row]) for i, row in enumerate(ws.iter_rows(values_only=True), 1)]
        finally:
            wb.close()
    with open(path, newline="", encoding=info.encoding) as fh:
        reader = csv.reader(fh)
        return [(reader.line_num, [c.strip() for c in row]) for row in reader]


def read_table(path: Path, headers: dict[str, tuple[str, ...]],
               required: tuple[str, ...]) -> tuple[str, list[tuple[int, dict[str, Any]]]]:
    """(SHA-256 of the file, [(line, {canonical column: cell})] for every non-empty data row).

    Raises ImportFailed (one problem at line 1) when the file cannot be read or lacks a column.
    """
    from storage.reference_import import ImportFailed

    if not path.is_file():
        raise ImportFailed([Problem(1, f"{path}: 文件不存在")])
    info = inspect_file(path)
    try:
        rows = _raw_rows(path, info)
    except Exception as exc:  # a broken XLSX or CSV: say what the reader said
        raise ImportFailed([Problem(1, f"无法读取文件：{type(exc).__name__}")]) from None
    if not rows:
        raise ImportFailed([Problem(1, "文件为空")])
    header_line, header = rows[0]
    accepted = {norm_header(alias): canon for canon, aliases in headers.items() for alias in aliases}
    columns = [accepted.get(norm_header(h)) for h in header]
    missing = [headers[c][1] if len(headers[c]) > 1 else c for c in required if c not in columns]
    if missing:
        raise ImportFailed([Problem(header_line, "缺少列：" + "、".join(missing))])
    out = []
    for line, cells in rows[1:]:
        if not any(str(c).strip() for c in cells):
            continue
        out.append((line, {c: v for c, v in zip(columns, cells) if c is not None}))
    return info.sha256, out


_DATE = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$")


def parse_date(raw: Any, label: str) -> date:
    text = str(raw or "").strip()
    m = _DATE.match(text[:10] if re.match(r"^\d{4}-\d{2}-\d{2} ", text) else text)
    if not text or not m:
        raise RowError(f"{label}不是日期（应为 2026-03-15）：{text or '空'}")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise RowError(f"{label}不是有效日期：{text}") from None
