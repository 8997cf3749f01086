"""Fixtures for subsidy tests: made-up people with valid ID numbers, imported through the real importer."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest_asyncio

from nlp.idcard import make_id
from storage.sql import is_postgres

HEADER = ["name", "id_number", "program", "amount", "paid_on", "village", "source"]


@dataclass(frozen=True)
class Person:
    id_number: str
    name: str


# Nobody real: valid checksums under the example county's region code.
HU = Person(make_id("610798", date(1956, 3, 12), 1), "胡大山")
LI = Person(make_id("610798", date(1948, 7, 9), 2), "李秀英")
ZHAO = Person(make_id("610798", date(1980, 2, 29), 77), "赵春梅")  # never in any file
STRANGER = Person(make_id("610798", date(1990, 5, 5), 123), "钱多多")  # never in any file

BASE_ROWS = [
    [HU.name, HU.id_number, "农村低保", "1560.00", "2026-03-15", "610798101201", "县民政局"],
    [HU.name, HU.id_number, "耕地地力保护补贴", "842.50", "2026-05-20", "胡家庄村", "县农业农村局"],
    [HU.name, HU.id_number, "危房改造补助", "20000", "2025-11-30", "610798101201", "县住建局"],
    [LI.name, LI.id_number, "高龄补贴", "600.00", "2026-01-10", "610798101202", "县民政局"],
]


def write_csv(path: Path, rows: list[list[Any]], header: list[str] | None = None, encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as f:
        w = csv.writer(f)
        w.writerow(header or HEADER)
        w.writerows(rows)
    return path


@pytest_asyncio.fixture
async def imported(registry_loaded: Any, tmp_path: Path) -> Any:
    """The example registry and BASE_ROWS imported; returns services."""
    from storage.subsidy_import import import_subsidies

    s = await import_subsidies(write_csv(tmp_path / "base.csv", BASE_ROWS), registry_loaded.cipher)
    assert s.committed and s.imported == len(BASE_ROWS), s
    return registry_loaded


@pytest_asyncio.fixture(autouse=True)
async def _delete_subsidy_rows_after() -> Any:
    """tests/conftest.py truncate_all deletes tables in app order; on SQLite the county's cascade would
    hit subsidy_record's RESTRICT on village. Leave no subsidy rows behind for the next test."""
    yield
    from tortoise import Tortoise

    if not Tortoise._inited:
        return
    conn = Tortoise.get_connection("default")
    if not is_postgres(conn):
        for table in ("subsidy_subscription", "subsidy_record", "subsidy_lookup", "import_batch"):
            await conn.execute_script(f'DELETE FROM "{table}"')
