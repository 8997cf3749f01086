"""Benchmark: a full comparison run over a county's year of data in PostgreSQL.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
    REDIS_URL=redis://127.0.0.1:6379/6 .venv/bin/python benchmarks/bench_compare.py [--records 1000000]

Creates a throw-away database beside DATABASE_URL (dropped at the end),
migrates it, imports a registry of 20 townships x 15 villages, and bulk-loads
with COPY (asyncpg): 1,000,000 disbursement records, 50,000 deaths, 5,000
officials with 20,000 declared relatives, 10,000 vehicle and 2,000 business
registrations, with about a thousand planted problems. Then it times
`run_all` twice: the first run records every finding and files each as a clue
through `file_report`; the second finds the same and files nothing. Loopback
only; prints one JSON line.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nlp.idcard import make_id  # noqa: E402
from storage import db  # noqa: E402

TOWNSHIPS, VILLAGES_PER = 20, 15
PEOPLE = 300_000
LOW, AGED, LAND = "农村低保", "高龄补贴", "耕地地力保护补贴"
PLANT = {"duplicate": 200, "multi_village": 200, "after_death": 300, "favoritism": 100, "over_standard": 150,
         "dibao_assets": 100}


def registry() -> dict[str, Any]:
    townships = []
    for t in range(TOWNSHIPS):
        code = f"610798{101 + t:03d}"
        townships.append({"code": code, "name": f"第{t + 1}镇", "commission": f"第{t + 1}镇纪委", "aliases": [],
                          "villages": [{"code": f"{code}{201 + v:03d}", "name": f"第{t + 1}镇{v + 1}村"}
                                       for v in range(VILLAGES_PER)]})
    return {"county": {"code": "610798", "name": "基准县", "commission": "基准县纪委监委"}, "zones": [],
            "townships": townships}


class People:
    """PEOPLE synthetic residents: ID hash and sealed ID/name, made once."""

    def __init__(self, sealer: Any, rng: random.Random) -> None:
        self.hash: list[str] = []
        self.id_enc: list[str] = []
        self.name_enc: list[str] = []
        for p in range(PEOPLE):
            number = make_id("610798", date(1930 + p % 70, 1 + p % 12, 1 + p % 28), p % 1000)
            self.hash.append(sealer.id_hash(f"{number}#{p}"))  # unique per person even when the ID repeats
            self.id_enc.append(sealer.seal(number))
            self.name_enc.append(sealer.seal("张" + "测试人"[: 1 + p % 3]))
        self.village = [p % (TOWNSHIPS * VILLAGES_PER) for p in range(PEOPLE)]


def payments(people: People, codes: list[str], rng: random.Random, total: int) -> list[tuple[Any, ...]]:
    """(person, program, amount, paid_on, village code) rows: monthly 低保, quarterly 高龄, yearly 耕地, planted extras."""
    rows: list[tuple[int, str, Decimal, date, str]] = []
    low_people = range(0, 40_000)
    for p in low_people:
        for m in range(1, 13):
            rows.append((p, LOW, Decimal("500.00"), date(2025, m, 10), codes[people.village[p]]))
    for p in range(40_000, 100_000):
        for q in range(4):
            rows.append((p, AGED, Decimal("300.00"), date(2025, 1 + 3 * q, 15), codes[people.village[p]]))
    land = iter(range(0, PEOPLE))
    extras = PLANT["duplicate"] + PLANT["multi_village"] + PLANT["over_standard"]
    while len(rows) < total - extras:
        p = next(land)
        rows.append((p, LAND, Decimal("700.00"), date(2025, 5, 20), codes[people.village[p]]))
    # planted: an extra 低保 in a month already paid; an 耕地 from a second village; a single 低保 above 800
    # to a 高龄 recipient (so it is no duplicate)
    for p in rng.sample(low_people, PLANT["duplicate"]):
        rows.append((p, LOW, Decimal("500.00"), date(2025, 6, 25), codes[people.village[p]]))
    for p in rng.sample(range(100_000, 250_000), PLANT["multi_village"]):
        rows.append((p, LAND, Decimal("700.00"), date(2025, 6, 1), codes[(people.village[p] + 1) % len(codes)]))
    for p in rng.sample(range(40_000, 100_000), PLANT["over_standard"]):
        rows.append((p, LOW, Decimal("900.00"), date(2025, 12, 28), codes[people.village[p]]))
    return [(people.hash[p], people.id_enc[p], people.name_enc[p], prog, amt, day, vil)
            for p, prog, amt, day, vil in rows]


async def load(url: str, sealer: Any, rng: random.Random, total: int) -> dict[str, int]:
    import asyncpg

    from storage.models import ImportBatch
    from storage.models.compare import Period, ProgramStandard
    from storage.registry import import_registry

    await import_registry(registry())
    codes = [f"610798{101 + t:03d}{201 + v:03d}" for t in range(TOWNSHIPS) for v in range(VILLAGES_PER)]
    await ProgramStandard.create(program=LOW, max_per_payment=Decimal("800"), max_per_year=Decimal("9600"),
                                 period=Period.MONTH)
    await ProgramStandard.create(program=AGED, max_per_payment=Decimal("600"), period=Period.QUARTER, universal=True)
    await ProgramStandard.create(program=LAND, max_per_year=Decimal("1500"), period=Period.YEAR, universal=True)
    batch = await ImportBatch.create(kind="subsidies", filename="bench.csv", sha256="0" * 64)
    people = People(sealer, rng)
    now = datetime.now(timezone.utc)
    pay = payments(people, codes, rng, total)
    conn = await asyncpg.connect(url.replace("asyncpg://", "postgresql://"))
    try:
        await conn.copy_records_to_table(
            "subsidy_record", columns=["batch_id", "id_hash", "id_enc", "name_hash", "name_enc", "program", "amount",
                                       "paid_on", "village_id", "source", "fingerprint", "created_at"],
            records=[(batch.id, h, ie, "0" * 64, ne, prog, amt, day, vil, "bench", f"{i:064x}", now)
                     for i, (h, ie, ne, prog, amt, day, vil) in enumerate(pay)])
        # deaths: 50,000 residents; most die in 2026 (after every payment), the planted ones mid-2025 while on 低保
        dead_low = rng.sample(range(0, 40_000), PLANT["after_death"])
        dead = set(dead_low) | set(rng.sample(range(40_000, PEOPLE), 50_000 - len(dead_low)))
        await conn.copy_records_to_table(
            "compare_death", columns=["id_hash", "id_enc", "name_enc", "died_on", "source", "created_at"],
            records=[(people.hash[p], people.id_enc[p], people.name_enc[p],
                      date(2025, 7, 1) if p in dead_low else date(2026, 1 + p % 6, 1), "bench", now) for p in dead])
        # officials from the 耕地-only residents (a 普惠 subsidy: no finding); relatives likewise, except the planted
        # ones, who are 低保 recipients of the official's own village
        officials = rng.sample(range(100_000, PEOPLE), 5_000)
        await conn.copy_records_to_table(
            "compare_official", columns=["id_hash", "id_enc", "name_enc", "village_id", "post", "created_at"],
            records=[(people.hash[o], people.id_enc[o], people.name_enc[o], codes[people.village[o]], "村委会委员", now)
                     for o in officials])
        taken = set(officials)
        pool = iter(p for p in rng.sample(range(100_000, PEOPLE), 60_000) if p not in taken)
        nvil = TOWNSHIPS * VILLAGES_PER
        rel: list[tuple[Any, ...]] = []
        for i, o in enumerate(officials):
            for k in range(4):
                if i < PLANT["favoritism"] and k == 0:  # a 低保 recipient (p < 40,000) of the same village
                    r = people.village[o] + nvil * (i + 1)
                else:
                    r = next(pool)
                rel.append((people.hash[o], people.hash[r], people.id_enc[r], people.name_enc[r], "亲属", now))
        await conn.copy_records_to_table(
            "compare_relative", columns=["official_hash", "id_hash", "id_enc", "name_enc", "relation", "created_at"],
            records=rel)
        # registrations: 12,000 among non-低保 residents, plus the planted 低保 recipients with a car
        owners = rng.sample(range(100_000, PEOPLE), 12_000) + rng.sample(range(20_000, 40_000), PLANT["dibao_assets"])
        await conn.copy_records_to_table(
            "compare_registration", columns=["kind", "id_hash", "id_enc", "name_enc", "ref_hash", "ref_enc",
                                             "registered_on", "source", "created_at"],
            records=[("business" if i % 6 == 0 else "vehicle", people.hash[p], people.id_enc[p], people.name_enc[p],
                      f"{i:064x}", people.id_enc[p], date(2024, 1, 1), "bench", now) for i, p in enumerate(owners)])
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return {"records": len(pay), "deaths": len(dead), "officials": len(officials), "relatives": len(rel),
            "registrations": len(owners)}


async def main(records: int) -> dict[str, Any]:
    from bot.app import build_services, close_services
    from bot.config import Settings
    from handlers.compare import RULES, run_all
    from storage.subsidy_crypto import RowSealer

    base = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    url = await db.create_database(base, "qf_bench_compare")
    try:
        await db.migrate(url)
        await db.close()
        settings = Settings(database_url=url, redis_url=os.environ.get("REDIS_URL", ""),
                            var_dir=Path(os.environ.get("QINGFENG_VAR", "var")))
        services = await build_services(settings)
        try:
            t0 = time.perf_counter()
            sizes = await load(db.normalize_url(url), RowSealer(services.cipher), random.Random(7), records)
            load_s = time.perf_counter() - t0
            first = await run_all(services, actor="bench")
            second = await run_all(services, actor="bench")
            from tortoise import Tortoise

            conn = Tortoise.get_connection("default")
            per_rule = {}
            for rule in RULES:
                t = time.perf_counter()
                await conn.execute_query(rule.sql)
                per_rule[rule.name] = round(time.perf_counter() - t, 2)
        finally:
            await close_services(services)
    finally:
        await db.drop_database(url)
    return {"sizes": sizes, "planted": PLANT, "load_s": round(load_s, 1), "found": first.found,
            "first_run_s": round(first.seconds, 1), "clues_filed": first.clues,
            "second_run_s": round(second.seconds, 1), "second_run_clues": second.clues, "rule_query_s": per_rule}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    args = ap.parse_args()
    print(json.dumps(asyncio.run(main(args.records)), ensure_ascii=False))
