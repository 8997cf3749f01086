"""The demo's comparison data: reference lists and a few planted payments, so 比对疑点 has something to show.

    write_compare_demo(dir, region, today) -> {kind: path}   CSV files in the formats of docs/contracts/
    load_compare_demo(dir, cipher)         -> lines for the demo's banner (imports them; idempotent)

Made-up people only (ID numbers from `nlp.idcard.make_id`, check character right), planted so that each
rule of handlers/compare has one case to raise in the demo county (nlp/data/registry_demo.json):

    duplicate      农村低保 paid twice in one month           胡家庄村
    after_death    城乡居民养老金 still paid after the death     东岭村
    favoritism     a 村委会主任's spouse on the 低保 list       胡家庄村
    over_standard  危房改造补助 above the county's standard      马家河村
"""
from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from nlp.idcard import make_id
from storage.subsidy_demo import HEADER, SOURCES

if TYPE_CHECKING:
    from storage.crypto import PersonalDataCipher

HJZ, DL, MJH = "610798101201", "610798102201", "610798102203"
STANDARDS = [  # program, max_per_payment, max_per_year, period, universal, notes: above every synthetic amount
    ("农村低保", "2400.00", "28800.00", "月", "否", "按户月人均补差"),
    ("危房改造补助", "30000.00", "", "一次性", "否", "按改造类型定额"),
    ("耕地地力保护补贴", "", "3000.00", "年", "是", "普惠"),
]


def _person(region: str, year: int, seq: int) -> str:
    return make_id(region, date(year, 3, 1 + seq % 27), 900 + seq)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows(rows)
    return path


def write_compare_demo(folder: Path, region: str, today: date) -> dict[str, Path]:
    """The planted payments and the reference lists, dated from `today` (last month, three months ago)."""
    folder.mkdir(parents=True, exist_ok=True)
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    twice, dead, official, spouse, builder = (_person(region, y, i) for i, y in
                                              enumerate((1961, 1938, 1970, 1972, 1966)))
    died = last_month - timedelta(days=60)
    pays = [
        ["杜春梅", twice, "农村低保", "1560.00", last_month.replace(day=5).isoformat(), HJZ, SOURCES["农村低保"]],
        ["杜春梅", twice, "农村低保", "1560.00", last_month.replace(day=20).isoformat(), HJZ, SOURCES["农村低保"]],
        ["龚老栓", dead, "城乡居民养老金", "150.00", (died + timedelta(days=30)).isoformat(), DL, SOURCES["城乡居民养老金"]],
        ["龚老栓", dead, "城乡居民养老金", "150.00", (died + timedelta(days=60)).isoformat(), DL, SOURCES["城乡居民养老金"]],
        ["韦秀兰", spouse, "农村低保", "1700.00", last_month.replace(day=8).isoformat(), HJZ, SOURCES["农村低保"]],
        ["覃国庆", builder, "危房改造补助", "45000.00", last_month.replace(day=12).isoformat(), MJH,
         SOURCES["危房改造补助"]],
    ]
    return {
        "payments": _write(folder / "demo_compare_payments.csv", HEADER, pays),
        "standards": _write(folder / "demo_compare_standards.csv",
                            ["program", "max_per_payment", "max_per_year", "period", "universal", "notes"],
                            [list(s) for s in STANDARDS]),
        "deaths": _write(folder / "demo_compare_deaths.csv", ["id_number", "name", "died_on", "source"],
                         [[dead, "龚老栓", died.isoformat(), "县公安局户籍"]]),
        "officials": _write(folder / "demo_compare_officials.csv", ["id_number", "name", "village", "post"],
                            [[official, "胡德顺", HJZ, "村委会主任"]]),
        "relatives": _write(folder / "demo_compare_relatives.csv",
                            ["official_id_number", "id_number", "name", "relation"],
                            [[official, spouse, "韦秀兰", "配偶"]]),
    }


async def load_compare_demo(folder: Path, cipher: "PersonalDataCipher", region: str, today: date) -> list[str]:
    from storage.reference_import import import_reference
    from storage.subsidy_import import import_path

    files = write_compare_demo(folder, region, today)
    paid = await import_path(files.pop("payments"), cipher=cipher)
    for kind in ("standards", "deaths", "officials", "relatives"):  # relatives name imported officials
        await import_reference(kind, files[kind], cipher, actor="demo")
    return [f"comparison data: {paid.imported} planted payments, a standard list, a death, "
            "a village official and his spouse (one of each rule's findings)"]


__all__ = ["load_compare_demo", "write_compare_demo"]
