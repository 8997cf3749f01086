"""Fixtures of the publication tests: the demo county's 小微权力清单 loaded the way an admin imports it."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest_asyncio

REPO = Path(__file__).resolve().parents[3]
DEMO_POWERS = REPO / "storage" / "data" / "powers_demo.yaml"


@pytest_asyncio.fixture
async def powers_loaded(registry_loaded: Any) -> Any:
    from handlers.publication.power_import import import_powers, read_rows

    await import_powers(read_rows(DEMO_POWERS), registry_loaded.redis, actor="test")
    return registry_loaded


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    """A 财务公开 spreadsheet as a township clerk would upload it."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


FINANCE_ROWS = [["日期", "摘要", "收入", "支出"], ["2026-07-05", "村集体鱼塘承包费", 12000, None],
                ["2026-08-12", "村道路灯维修", None, 3250.5], ["2026-09-20", "办公用品", None, 420]]
