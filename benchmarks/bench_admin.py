"""Panel page latency with 100,000 cases in PostgreSQL.

Creates a scratch database beside DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres),
migrates it, loads the example registry, bulk-inserts synthetic cases (COPY) spread over two years with
their events (filed, routed, and accepted / resolved / rated as their status says), signs in over HTTP
as a county staff member (TOTP) and as a township's staff, and times each page sequentially on loopback.
The database is dropped at the end. Redis: REDIS_URL (default redis://127.0.0.1:6379/15, flushed).

    .venv/bin/python benchmarks/bench_admin.py [--cases 100000] [--runs 20]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import aiohttp
import pyotp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.config import Settings  # noqa: E402
from storage import db  # noqa: E402

REGISTRY = REPO / "docs" / "contracts" / "registry.example.json"
CATEGORIES = ["subsidy_fraud", "favoritism", "collective_assets", "land_compensation", "project_bidding",
              "bribery_extortion", "eight_rules", "work_style", "disclosure", "misconduct_other", "other"]
STATUSES = [("received", 8), ("accepted", 6), ("investigating", 10), ("resolved", 20), ("rated", 40),
            ("referred", 4), ("rejected", 4), ("not_accepted", 8)]
TEXTS = ["村会计把低保钱扣了一半", "村主任把鱼塘承包给亲戚，承包费没公开", "修路工程偷工减料，虚报工程量",
         "办证要交好处费", "村干部公款吃喝", "征地补偿款被截留", "危房改造名额给了村支书的亲戚"]
CORE_INDEXES = (("case_event", "case_id"), ("attachment", "case_id"), ("case_report", "linked_to_id"))
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


async def bulk_cases(url: str, n: int) -> float:
    """COPY n cases and their events; returns seconds."""
    import asyncpg

    rng = random.Random(7)
    villages = json.loads(REGISTRY.read_text(encoding="utf-8"))["townships"]
    places = [(t["code"], v["code"]) for t in villages for v in t["villages"]]
    now = datetime.now(timezone.utc)
    today = now.date()
    population = [s for s, w in STATUSES for _ in range(w)]
    cases, events = [], []
    eid = 0
    for i in range(1, n + 1):
        town, village = rng.choice(places)
        created = now - timedelta(seconds=rng.randrange(0, 730 * 86400))
        status = rng.choice(population)
        cat = "other" if status == "not_accepted" else rng.choice(CATEGORIES[:-1])
        office = "" if cat == "other" else town
        rating = rng.choice(["satisfied"] * 9 + ["unsatisfied"]) if status == "rated" else None
        accept_due = created.date() + timedelta(days=5)
        resolve_due = created.date() + timedelta(days=40)
        cases.append((i, f"QF{created.year}{i:06d}", "mp", cat, 0.9, json.dumps(["低保"]), rng.choice(TEXTS) + f"（{i}）",
                      town, village, "village", office, "routed by rule 4", office, status,
                      "已办结" if status in ("resolved", "rated") else None, True, None, rating, None, 0, None, None,
                      accept_due, resolve_due, 1 if status in ("received", "accepted", "investigating")
                      and resolve_due < today else 0, 0, None, created, created))
        steps = [("filed", "", status if status == "not_accepted" else "received"), ("routed", "", "")]
        if status in ("accepted", "investigating", "resolved", "rated"):
            steps.append(("accepted", "received", "accepted"))
        if status in ("resolved", "rated"):
            steps.append(("resolved", "accepted", "resolved"))
        if status == "rated":
            steps.append(("rated", "resolved", "rated"))
        if status in ("referred", "rejected"):
            steps.append((status, "received", status))
        at = created
        for kind, frm, to in steps:
            eid += 1
            events.append((eid, i, at, "system", kind, frm, to, "", True, "{}"))
            at += timedelta(days=rng.randrange(1, 20))
    t0 = time.perf_counter()
    conn = await asyncpg.connect(url)
    await conn.copy_records_to_table("case_report", records=cases, columns=[
        "id", "number", "channel", "category", "category_confidence", "category_keywords", "text", "township_id",
        "village_id", "level", "route_to", "route_reason", "office", "status", "result", "anonymous", "receipt_hash",
        "rating", "rating_reason", "priority", "linked_to_id", "simhash", "accept_due", "resolve_due",
        "overdue_level", "review_round", "source_ref", "created_at", "updated_at"])
    await conn.copy_records_to_table("case_event", records=events, columns=[
        "id", "case_id", "at", "actor", "kind", "from_status", "to_status", "reason", "public", "data"])
    await conn.execute("SELECT setval(pg_get_serial_sequence('case_report','id'), $1)", n)
    await conn.execute("SELECT setval(pg_get_serial_sequence('case_event','id'), $1)", eid)
    await conn.execute("ANALYZE")
    await conn.close()
    return time.perf_counter() - t0


async def sign_in(base: str, username: str, password: str, totp: str | None) -> aiohttp.ClientSession:
    s = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with s.get(base + "/admin/login") as r:
        token = CSRF_RE.search(await r.text()).group(1)  # type: ignore[union-attr]
    async with s.post(base + "/admin/login", data={"csrf": token, "username": username, "password": password}) as r:
        body = await r.text()
    if totp:
        token = CSRF_RE.search(body).group(1)  # type: ignore[union-attr]
        async with s.post(base + "/admin/login/totp", data={"csrf": token, "code": pyotp.TOTP(totp).now()}) as r:
            body = await r.text()
    assert "退出" in body, body[:300]
    return s


async def time_page(s: aiohttp.ClientSession, url: str, runs: int) -> tuple[float, float, int]:
    times = []
    status = 0
    for _ in range(runs + 2):  # two warm-up requests
        t0 = time.perf_counter()
        async with s.get(url) as r:
            await r.read()
            status = r.status
        times.append((time.perf_counter() - t0) * 1000)
    times = sorted(times[2:])
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], status


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--core-indexes", action="store_true",
                    help="first add the foreign-key indexes the core schema lacks (case_event.case_id, "
                         "attachment.case_id, case_report.linked_to_id): proposed, not in storage/migrations yet")
    args = ap.parse_args()
    base_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    url = await db.create_database(base_url, "qf_bench_admin")
    try:
        await run(url, redis_url, args)
    finally:
        await db.close()
        await db.drop_database(url)


async def run(url: str, redis_url: str, args: argparse.Namespace) -> None:
    from aiohttp import web

    from admin.accounts import create_user, set_totp_secret
    from bot.app import build_services, close_services, create_app
    from storage.registry import import_registry, load_file

    await db.migrate(url)
    await db.close()
    settings = Settings(var_dir=Path(tempfile.mkdtemp(prefix="qf-bench-admin-")), database_url=url,
                        redis_url=redis_url)
    services = await build_services(settings)
    await services.redis.flushdb()
    await import_registry(load_file(REGISTRY))
    print(f"inserting {args.cases} cases ...", flush=True)
    copy_s = await bulk_cases(url, args.cases)
    if args.core_indexes:
        import asyncpg

        conn = await asyncpg.connect(url)
        for table, column in CORE_INDEXES:
            await conn.execute(f'CREATE INDEX IF NOT EXISTS "bench_{table}_{column}" ON "{table}" ("{column}")')
        await conn.execute("ANALYZE")
        await conn.close()
    county = await create_user("bench_county", "county_staff", "610798", "bench-county-pass")
    secret = pyotp.random_base32()
    await set_totp_secret(county, secret, services.cipher)
    await create_user("bench_nanba", "township_staff", "610798101", "bench-nanba-pass")
    app = await create_app(settings, services)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base = f"http://127.0.0.1:{port}"
    from storage.models import Case

    some_case = args.cases // 2
    town_case = (await Case.filter(office="610798101", id__gte=some_case).order_by("id").first()).id  # type: ignore[union-attr]
    month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    pages = [
        ("dashboard, computed", "/admin/?fresh=1"),
        ("dashboard, cached (30 s)", "/admin/"),
        ("case list, page 1", "/admin/cases"),
        ("case list, page 200", "/admin/cases?page=200"),
        ("case list, status + category", "/admin/cases?status=resolved&category=subsidy_fraud"),
        ("case list, overdue", "/admin/cases?overdue=1"),
        ("case list, dates", "/admin/cases?since=2026-01-01&until=2026-03-31"),
        ("case list, text search", "/admin/cases?q=%E9%B1%BC%E5%A1%98"),
        ("case list, by number", f"/admin/cases?q=QF2025{some_case:06d}"),
        ("case page", "/admin/cases/{case}"),
        ("monthly statistics XLSX", f"/admin/reports/statistics.xlsx?kind=month&period={month}"),
        ("worklist (工作清单)", "/admin/worklist"),
        ("audit log", "/admin/audit"),
    ]
    rows = []
    try:
        for who, user, pw, totp in (("county staff (all cases)", "bench_county", "bench-county-pass", secret),
                                    ("township staff (one township)", "bench_nanba", "bench-nanba-pass", None)):
            s = await sign_in(base, user, pw, totp)
            try:
                for label, path in pages:
                    if path == "/admin/audit" and "county" not in user:
                        continue
                    path = path.replace("{case}", str(some_case if "county" in user else town_case))
                    med, p95, status = await time_page(s, base + path, args.runs)
                    rows.append((who, label, med, p95, status))
                    print(f"{who:32s} {label:32s} median {med:6.1f} ms  p95 {p95:6.1f} ms  HTTP {status}", flush=True)
            finally:
                await s.close()
    finally:
        await runner.cleanup()
        await close_services(services)
    print(f"\ncases: {args.cases}, COPY of cases and events: {copy_s:.1f} s, runs per page: {args.runs}, "
          f"core FK indexes added: {args.core_indexes}")
    worst = max(r[3] for r in rows)
    print(f"slowest p95: {worst:.1f} ms ({'under' if worst < 200 else 'OVER'} 200 ms)")


if __name__ == "__main__":
    asyncio.run(main())
