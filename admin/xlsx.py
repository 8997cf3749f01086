"""Every spreadsheet the panel hands out goes through here, so no exported cell is ever a formula.

    wb, ws = workbook("案件")            # write-only, one named sheet
    append(ws, ["QF…", "=HYPERLINK(…)"])  # text stays text
    return xlsx_response(wb, "cases-…")

A cell whose text begins with = + - @, a tab or a carriage return is what
Excel and WPS read as a formula (OWASP "CSV/formula injection"): a staff
explanation or an imported program name of `=HYPERLINK("http://…")` would run
in the county admin's spreadsheet. Such text is written as a string cell with
the quote-prefix style, so it shows as typed and is never evaluated, even
after the cell is edited.
"""
from __future__ import annotations

import io
from typing import Any, Iterable

from aiohttp import web

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def cell(ws: Any, value: object, **style: Any) -> Any:
    """A cell for `ws` holding `value` (with openpyxl `style` attributes: font, number_format…);
    formula-like text as a quoted string."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Protection

    if not style and not is_formula_like(value):
        return value
    c = WriteOnlyCell(ws, value=value)
    for name, v in style.items():
        setattr(c, name, v)
    if is_formula_like(value):
        c.data_type = "s"  # openpyxl made it "f" for the leading "="
        c.quotePrefix = True
        c.protection = Protection(locked=True)
    return c


def append(ws: Any, row: Iterable[object]) -> None:
    ws.append([cell(ws, v) for v in row])


def workbook(title: str) -> tuple[Any, Any]:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    return wb, wb.create_sheet(title)


def xlsx_response(wb: Any, stem: str) -> web.Response:
    buf = io.BytesIO()
    wb.save(buf)
    return web.Response(body=buf.getvalue(), headers={
        "Content-Type": XLSX_TYPE, "Content-Disposition": f'attachment; filename="{stem}.xlsx"'})
