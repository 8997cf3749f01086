"""Fixtures of the comparison tests: synthetic people, payments and reference lists.

Payments go in through the subsidy import and reference lists through ours,
from CSV files written to a temp directory, as an admin would load them.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, AsyncIterator

import pytest_asyncio

from nlp.idcard import make_id
from storage.reference_import import import_reference
from storage.subsidy_crypto import id_hash
from storage.subsidy_import import import_subsidies

HJZ, SQ1, DL, SQ2, QS = "610798101201", "610798101202", "610798102201", "610798102202", "610798201201"
NANBA, DONGLING, QINGSHUI, COUNTY = "610798101", "610798102", "610798201", "610798"
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张"


@dataclass
class Data:
    services: Any
    tmp: Path
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    _seq: int = 0
    _files: int = 0

    def person(self) -> str:
        """A new well-formed ID number with a name of its own."""
        self._seq += 1
        number = make_id("610798", date(1950 + self._seq % 50, 1 + self._seq % 12, 1 + self._seq % 28), self._seq)
        self.names[number] = SURNAMES[self._seq % len(SURNAMES)] + "测" + "试"[: self._seq % 2] + "人"
        return number

    def id_hash(self, number: str) -> str:
        return id_hash(self.services.cipher, number)

    def add(self, kind: str, **row: Any) -> None:
        self.rows.setdefault(kind, []).append({k: "" if v is None else str(v) for k, v in row.items()})

    def standard(self, program: str, per_payment: str = "", per_year: str = "", period: str = "月",
                 universal: str = "否") -> None:
        self.add("standards", program=program, max_per_payment=per_payment, max_per_year=per_year, period=period,
                 universal=universal)

    def death(self, number: str, died_on: str) -> None:
        self.add("deaths", id_number=number, name=self.names[number], died_on=died_on)

    def official(self, number: str, village: str, post: str) -> None:
        self.add("officials", id_number=number, name=self.names[number], village=village, post=post)

    def relative(self, official: str, number: str, relation: str) -> None:
        self.add("relatives", official_id_number=official, id_number=number, name=self.names[number],
                 relation=relation)

    def vehicle(self, number: str, plate: str, since: str, until: str = "") -> None:
        self.add("vehicles", id_number=number, name=self.names[number], plate=plate, registered_on=since,
                 ended_on=until)

    def business(self, number: str, licence: str, since: str, until: str = "") -> None:
        self.add("businesses", id_number=number, name=self.names[number], licence=licence, registered_on=since,
                 ended_on=until)

    def pay(self, number: str, program: str, amount: str, paid_on: str, village: str) -> None:
        """A disbursement row; `load()` imports them through the subsidy import, as an admin would."""
        self.add("subsidies", name=self.names[number], id_number=number, program=program, amount=amount,
                 paid_on=paid_on, village=village, source="测试")

    def write(self, kind: str) -> Path:
        rows = self.rows.pop(kind)
        self._files += 1
        path = self.tmp / f"{kind}-{self._files}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        return path

    async def load(self) -> None:
        """Import every row gathered since the last load: payments, then the reference lists."""
        if "subsidies" in self.rows:
            summary = await import_subsidies(self.write("subsidies"), self.services.cipher)
            assert summary.committed and not summary.bad, (summary.problem, summary.bad)
        for kind in ("standards", "deaths", "officials", "relatives", "vehicles", "businesses"):
            if kind in self.rows:
                await import_reference(kind, self.write(kind), self.services.cipher)


async def clear_compare_tables() -> None:
    """Payments and officials hold RESTRICT keys to their village: empty them before the shared
    fixture empties the core tables (on SQLite it deletes table by table, county first)."""
    from storage.models import SubsidyRecord
    from storage.models.compare import DeathRecord, Finding, Official, ProgramStandard, Registration, Relative

    for model in (Finding, Relative, Official, DeathRecord, ProgramStandard, Registration, SubsidyRecord):
        await model.all().delete()


@pytest_asyncio.fixture
async def data(registry_loaded: Any, tmp_path: Path) -> AsyncIterator[Data]:
    yield Data(registry_loaded, tmp_path)
    await clear_compare_tables()
