"""Subsidy import throughput and lookup latency on PostgreSQL, loopback only, bounded.

    .venv/bin/python benchmarks/bench_subsidies.py [--rows 1000000] [--lookups 1000]
        [--pg-url postgresql://postgres@127.0.0.1:5432/postgres] [--redis-url redis://127.0.0.1:6379/3]

1. Writes a synthetic CSV of --rows records (made-up people, valid ID checksums) under
   /tmp/qf_bench_subsidies (reused when it is already there).
2. Creates a scratch database, migrates it, imports the example registry, then times
   `import_subsidies` on the CSV (the same code as `qingfeng subsidies import`).
3. With the table full, times the whole `lookup()` (rate-limit check in Redis, the query,
   the name comparison, the SubsidyLookup row and the audit entry) for three kinds of
   request, interleaved: a matching ID and name, a known ID with a wrong name, an unknown ID.
   The last two must be indistinguishable; their latency distributions are printed side by side.
4. Drops the scratch database (unless --keep) and flushes only the given Redis db.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.config import Settings  # noqa: E402
from nlp.idcard import make_id  # noqa: E402

REGISTRY = REPO / "docs" / "contracts" / "registry.example.json"
WORKDIR = Path("/tmp/qf_bench_subsidies")


def percentile(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def summary(xs: list[float]) -> dict[str, float]:
    return {"n": len(xs), "p50_ms": round(percentile(xs, 50) * 1000, 2), "p95_ms": round(percentile(xs, 95) * 1000, 2),
            "p99_ms": round(percentile(xs, 99) * 1000, 2), "max_ms": round(max(xs) * 1000, 2),
            "mean_ms": round(statistics.fmean(xs) * 1000, 3)}


def backend_cpu(pids: list[int]) -> float:
    """CPU seconds (user+system) of PostgreSQL backends on this machine (loopback server)."""
    import os

    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


async def db_backends(admin: object, name: str) -> list[int]:
    return [r[0] for r in await admin.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", name)]  # type: ignore[attr-defined]


def make_csv(rows: int) -> tuple[Path, list[tuple[str, str]], float]:
    from storage.subsidy_demo import write_demo_csv

    WORKDIR.mkdir(parents=True, exist_ok=True)
    path = WORKDIR / f"records-{rows}.csv"
    people_file = WORKDIR / f"people-{rows}.json"
    if path.exists() and people_file.exists():
        return path, [tuple(p) for p in json.loads(people_file.read_text())], 0.0  # type: ignore[misc]
    t = time.perf_counter()
    people = write_demo_csv(path, json.loads(REGISTRY.read_text()), rows=rows, seed=2026, today=date(2026, 11, 1))
    took = time.perf_counter() - t
    people_file.write_text(json.dumps([(p.id_number, p.name) for p in people], ensure_ascii=False))
    return path, [(p.id_number, p.name) for p in people], took


async def run(args: argparse.Namespace) -> dict[str, object]:
    import asyncpg

    from bot.app import build_services, close_services
    from handlers.subsidies.lookup import Outcome, lookup
    from storage import db
    from storage.registry import import_registry, load_file
    from storage.subsidy_import import import_subsidies

    csv_path, people, gen_s = make_csv(args.rows)
    url = await db.create_database(args.pg_url, "qf_bench_subsidies")
    name = url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(args.pg_url)  # to read the scratch database's backends' CPU
    out: dict[str, object] = {"rows": args.rows, "csv_bytes": csv_path.stat().st_size, "csv_generated_s": round(gen_s, 1)}
    try:
        await db.migrate(url)
        await db.close()
        settings = Settings(var_dir=WORKDIR / "var", database_url=url, redis_url=args.redis_url)
        services = await build_services(settings)
        try:
            await services.redis.flushdb()
            await import_registry(load_file(REGISTRY))
            pids = await db_backends(admin, name)
            server0 = backend_cpu(pids)
            load0 = Path("/proc/loadavg").read_text().split()[0]
            cpu0, t0 = time.process_time(), time.perf_counter()
            s = await import_subsidies(csv_path, services.cipher, today=date(2026, 11, 1))
            wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
            pids_after = await db_backends(admin, name)
            server = backend_cpu(pids_after) - server0  # backends of the scratch database: the pool stays open
            load1 = Path("/proc/loadavg").read_text().split()[0]
            assert s.committed and s.imported == args.rows, (s.imported, s.bad[:3])
            out["import"] = {"seconds": round(wall, 2), "rows_per_s": round(args.rows / wall),
                             "client_cpu_s": round(cpu, 2), "client_cpu_us_per_row": round(cpu / args.rows * 1e6, 1),
                             "server_cpu_s": round(server, 2), "server_cpu_us_per_row": round(server / args.rows * 1e6, 1),
                             "loadavg_before_after": [load0, load1],
                             "client_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
            print(f"import: {args.rows} rows in {wall:.1f}s = {args.rows / wall:,.0f} rows/s "
                  f"(client CPU {cpu:.1f}s, PostgreSQL CPU {server:.1f}s, load {load0} -> {load1})", flush=True)
            conn = await asyncpg.connect(url)
            await conn.execute("ANALYZE subsidy_record")
            out["table_mb"] = round(await conn.fetchval("SELECT pg_total_relation_size('subsidy_record')") / 2**20)
            await conn.close()

            rng = random.Random(7)
            picked = rng.sample(people, 2 * args.lookups)
            found, wrong = picked[: args.lookups], picked[args.lookups:]
            absent = [(make_id("610799", date(1950, 1, 1 + i % 28), i % 1000), "钱多多") for i in range(args.lookups)]
            jobs = ([("found", n, nm) for n, nm in found] + [("wrong_name", n, "钱多多") for n, _ in wrong]
                    + [("absent", n, nm) for n, nm in absent])
            rng.shuffle(jobs)
            times: dict[str, list[float]] = {"found": [], "wrong_name": [], "absent": []}
            for i, (kind, number, nm) in enumerate(jobs):
                t = time.perf_counter()
                r = await lookup(number, nm, channel="mp", actor=f"villager:bench{i}", services=services)
                times[kind].append(time.perf_counter() - t)
                want = Outcome.FOUND if kind == "found" else Outcome.NONE
                assert r.outcome is want, (kind, r.outcome)
            out["lookup"] = {k: summary(v) for k, v in times.items()}
            for k, v in out["lookup"].items():  # type: ignore[union-attr]
                print(f"lookup {k:>10}: {v}", flush=True)
        finally:
            await services.redis.flushdb()
            await close_services(services)
    finally:
        await admin.close()
        if not args.keep:
            await db.drop_database(url)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--lookups", type=int, default=1000, help="per kind (found, wrong name, absent)")
    p.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    p.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = p.parse_args()
    print(json.dumps(asyncio.run(run(args)), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
