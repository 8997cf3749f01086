"""Lifecycle benchmarks on PostgreSQL: the deadline sweep over 100,000 open cases, and outbox throughput.

1. sweep — 100,000 open cases (received / accepted / investigating, due dates spread over eight
   weeks, one in five 实名), staff bound in every commission. One `escalation.sweep` finds the
   cases due tomorrow (reminders), the overdue ones (督办: level, new due date, public event,
   messages to the office, the county and the 实名 reporter) and those overdue again. Then the
   same sweep once more (idempotent: nothing new).
2. outbox — N queued staff notifications (WeCom app and template messages) sent by
   `delivery.deliver_due` to the fake WeChat API running as a separate process on loopback.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/2 \
        .venv/bin/python benchmarks/bench_lifecycle.py [--cases 100000] [--messages 5000] [--overdue-percent 10]

A fresh database is created next to DATABASE_URL's and dropped at the end.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.config import Settings  # noqa: E402
from storage import db  # noqa: E402

TODAY = date(2026, 11, 25)  # a Wednesday: "tomorrow" is Thursday


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _seed(services, n_cases: int, pct: int) -> None:
    from tortoise import Tortoise

    from storage.models import Role, Staff, StaffBinding
    from storage.registry import import_registry, load_file

    await import_registry(load_file(REPO / "docs" / "contracts" / "registry.example.json"))
    await services.registry_changed()
    reg = await services.registry()
    staff = [("county", Role.COUNTY_STAFF, reg.county_code, "work")]
    staff += [(f"t{t}", Role.TOWNSHIP_STAFF, t, "mp" if i % 2 else "work") for i, t in enumerate(reg.townships)]
    for name, role, scope, channel in staff:
        s = await Staff.create(username=name, role=role, scope_code=scope)
        ident = f"o{uuid.uuid4().hex[:27]}" if channel == "mp" else f"user-{name}"
        await StaffBinding.create(staff=s, channel=channel, external_enc=services.cipher.seal(ident),
                                  subject_hash=services.cipher.subject_hash(channel, ident))
    villages = [(v.code, v.township) for v in reg.villages.values() if not v.elevated]
    conn = Tortoise.get_connection("default")
    vil = "ARRAY[" + ",".join(f"'{v}'" for v, _ in villages) + "]"
    town = "ARRAY[" + ",".join(f"'{t}'" for _, t in villages) + "]"
    cats = "ARRAY['subsidy_fraud','favoritism','collective_assets','land_compensation','project_bidding'," \
           "'bribery_extortion','eight_rules','work_style','disclosure','misconduct_other']"
    k = len(villages)
    # pct % overdue (a quarter of them already escalated once), the rest due in the next 40 days
    offset = f"(CASE WHEN g % 100 < {pct} THEN -(1 + g % 20) ELSE 1 + g % 40 END)"
    await conn.execute_script(f"""
        INSERT INTO case_report (number, channel, category, category_confidence, category_keywords, text,
            township_id, village_id, level, route_to, route_reason, office, status, anonymous, priority,
            overdue_level, review_round, accept_due, resolve_due, created_at, updated_at)
        SELECT 'QF' || lpad(g::text, 10, '0'), 'mp', ({cats})[1 + g % 9], 0.9, '[]'::jsonb,
            '基准测试反映内容', ({town})[1 + g % {k}], ({vil})[1 + g % {k}], 'village',
            ({town})[1 + g % {k}], '基准', ({town})[1 + g % {k}],
            CASE g % 3 WHEN 0 THEN 'received' WHEN 1 THEN 'accepted' ELSE 'investigating' END,
            g % 5 <> 0, 0, CASE WHEN g % 100 < {pct} AND g % 4 = 0 THEN 1 ELSE 0 END, 0,
            CASE WHEN g % 3 = 0 THEN DATE '{TODAY}' + {offset} END,
            CASE WHEN g % 3 <> 0 THEN DATE '{TODAY}' + {offset} END, now(), now()
        FROM generate_series(1, {n_cases}) g;
        INSERT INTO reporter_identity (case_id, subject_hash, channel, openid_enc, created_at)
        SELECT id, md5(id::text) || md5(id::text), 'mp', '{services.cipher.seal("o" + "r" * 27)}', now()
        FROM case_report WHERE NOT anonymous;
        ANALYZE;
    """)


async def bench_sweep(services, n_cases: int, pct: int) -> dict:
    from tortoise import Tortoise

    from handlers.cases.escalation import sweep

    t0 = time.perf_counter()
    await _seed(services, n_cases, pct)
    seeded = time.perf_counter() - t0
    conn = Tortoise.get_connection("default")
    open_cases = (await conn.execute_query_dict("SELECT count(*) AS n FROM case_report"))[0]["n"]
    t0 = time.perf_counter()
    r = await sweep(services, on=TODAY)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = await sweep(services, on=TODAY)
    second = time.perf_counter() - t0
    return {"open_cases": open_cases, "seed_s": round(seeded, 1), "sweep_s": round(first, 2),
            "reminded": r.reminded, "escalated": r.escalated, "overdue2": r.overdue2, "messages": r.messages,
            "second_sweep_s": round(second, 2), "second_sweep_new": again.reminded + again.escalated + again.overdue2}


async def bench_outbox(services, n: int) -> dict:
    from tortoise import Tortoise

    from handlers.cases.delivery import DeliveryConfig, deliver_due

    conn = Tortoise.get_connection("default")
    await conn.execute_script("TRUNCATE outbox_message")
    staff_ids = await conn.execute_query_dict("SELECT channel, external_enc FROM staff_binding ORDER BY id")
    work = [s["external_enc"] for s in staff_ids if s["channel"] == "work"]
    mp = [s["external_enc"] for s in staff_ids if s["channel"] == "mp"]
    payload = {"audience": "staff", "text": "【清风】新的群众反映\n案件编号:QF0000000001\n类别:惠民惠农资金问题",
               "template": {"template_id": "TPL-qf-case-staff", "data": {"first": "新的群众反映",
                                                                        "keyword1": "QF0000000001"}}}
    rows = [("wecom_app" if i % 2 else "template", (work if i % 2 else mp)[i % len(work if i % 2 else mp)])
            for i in range(n)]
    raw = conn._pool  # asyncpg pool: COPY is the quickest way to queue N rows
    async with raw.acquire() as c:
        await c.copy_records_to_table(
            "outbox_message", columns=["kind", "recipient_enc", "payload", "status", "attempts", "next_attempt_at",
                                       "last_error", "created_at"],
            records=[(k, r, json.dumps(payload, ensure_ascii=False), "pending", 0,
                      __import__("datetime").datetime.now(__import__("datetime").timezone.utc), "",
                      __import__("datetime").datetime.now(__import__("datetime").timezone.utc)) for k, r in rows])
    await services.mp.access_token()
    await services.wecom.access_token()
    t0 = time.perf_counter()
    stats = await deliver_due(services, DeliveryConfig(batch=500, concurrency=64))
    elapsed = time.perf_counter() - t0
    left = (await conn.execute_query_dict("SELECT count(*) AS n FROM outbox_message WHERE status <> 'sent'"))[0]["n"]
    return {"messages": n, "sent": stats.sent, "not_sent": left, "seconds": round(elapsed, 2),
            "per_second": round(stats.sent / elapsed)}


async def main(args: argparse.Namespace) -> None:
    from bot.app import build_services, close_services

    base = os.environ.get("DATABASE_URL", "")
    if not db.is_postgres(base or "sqlite://"):
        sys.exit("set DATABASE_URL to a PostgreSQL server (the benchmark creates and drops its own database)")
    url = await db.create_database(base, "qf_bench")
    port = _free_port()
    fake = subprocess.Popen([sys.executable, "-m", "bot.cli", "fake-wechat", "--port", str(port)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    services = None
    try:
        await db.migrate(url)
        await db.close()
        settings = Settings(database_url=url, redis_url=os.environ.get("REDIS_URL", ""), var_dir=REPO / "var",
                            wechat_api_base=f"http://127.0.0.1:{port}", wecom_api_base=f"http://127.0.0.1:{port}/wecom")
        services = await build_services(settings)
        await services.redis.flushdb()
        for _ in range(100):  # the fake's port is open
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                await asyncio.sleep(0.1)
        print("sweep:", json.dumps(await bench_sweep(services, args.cases, args.overdue_percent)), flush=True)
        print("outbox:", json.dumps(await bench_outbox(services, args.messages)), flush=True)
    finally:
        if services is not None:
            await close_services(services)
        fake.terminate()
        fake.wait(timeout=10)
        await db.drop_database(url)


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", type=int, default=100_000)
    p.add_argument("--messages", type=int, default=5_000)
    p.add_argument("--overdue-percent", type=int, default=10, help="share of the open cases past their due date")
    asyncio.run(main(p.parse_args()))
