"""Benchmark: N simulated villagers each file one report through /wechat/mp, against one server process.

Each villager sends what a villager types — 举报, a description, 好了, 1 (对), 2 (匿名),
answering the place question when asked — signed and AES-encrypted exactly as the WeChat
server sends them (bot.wechat_sim). The server is `qingfeng serve` in its own process,
on loopback; this process only generates load and times each POST round trip.

    .venv/bin/python benchmarks/bench_conversations.py                      # SQLite + embedded Redis
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
      .venv/bin/python benchmarks/bench_conversations.py --redis-url redis://127.0.0.1:6379/1

With DATABASE_URL a fresh database is created beside it and dropped afterwards; the Redis
db given with --redis-url is FLUSHED first (use a db of your own). Bounded: --villagers
(default 10000), --concurrency (default 32).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REGISTRY = ROOT / "docs" / "contracts" / "registry.example.json"
PLACES = ["南坝镇胡家庄村", "胡家庄村", "东岭镇东岭村", "清水乡清水社区", "东岭镇石桥村", "南坝镇石桥村"]
WRONGS = [
    "{p}的村支书把我家低保扣了",
    "{p}会计把集体鱼塘承包费装进自己腰包",
    "{p}的村主任收了红包才给盖章",
    "{p}的危房改造补贴被村干部克扣了一半",
    "{p}修路工程偷工减料,村干部虚增工程量",
    "{p}的村务账目从来不公开",
    "{p}村干部把低保名额给了自己亲戚",
]


def description(i: int) -> str:
    return WRONGS[i % len(WRONGS)].format(p=PLACES[(i // len(WRONGS)) % len(PLACES)]) + f",第{i % 97 + 1}户也是这样"


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


async def prepare_database(base_url: str, var: Path) -> tuple[str, str | None]:
    """A migrated database with the example registry; returns (url, name to drop or None)."""
    from storage import db
    from storage.registry import import_registry, load_file

    if base_url:
        url = await db.create_database(base_url, "qf_bench")
        name = url.rsplit("/", 1)[1]
    else:
        url, name = f"sqlite://{var / 'bench.sqlite3'}", None
    await db.migrate(url)
    await db.close()
    await db.init(url)
    await import_registry(load_file(REGISTRY))
    await db.close()
    return url, name


async def drop_database(base_url: str, name: str) -> None:
    from storage import db

    await db.drop_database(db.normalize_url(base_url).rsplit("/", 1)[0] + "/" + name)


async def count_cases(url: str) -> tuple[int, int]:
    from storage import db
    from storage.models import Case, ReporterIdentity

    await db.init(url)
    try:
        return await Case.all().count(), await ReporterIdentity.all().count()
    finally:
        await db.close()


async def villager(i: int, sim: object, session: object, lat: dict[str, list[float]], out: dict[str, int],
                   think: float = 0.0) -> None:
    openid = f"oBench{i:022d}"

    async def say(step: str, text: str) -> str:
        if think and step != "start":
            await asyncio.sleep(think)  # a villager reads the answer and types the next message
        t0 = time.perf_counter()
        r = await sim.send(session, openid, text)  # type: ignore[attr-defined]
        lat[step].append(time.perf_counter() - t0)
        if r.status != 200 or len(r.texts) != 1:
            out["errors"] += 1
            return ""
        return r.texts[0]

    await say("start", "举报")
    await say("describe", description(i))
    answer = await say("done", "好了")
    if answer.startswith("请问这是哪个乡镇"):
        answer = await say("place", PLACES[0])
    if not answer.startswith("您反映的是"):
        out["unexpected"] += 1
        return
    answer = await say("confirm", "1")
    while "实名" not in answer and "跳过" in answer:  # the category's optional questions, skipped
        answer = await say("confirm", "跳过")
    filed = await say("file", "2")
    out["filed" if "QF" in filed and "回执码" in filed else "unexpected"] += 1


async def run(args: argparse.Namespace) -> None:
    import aiohttp
    import redis.asyncio as aioredis

    from bot.config import Settings
    from bot.wechat_sim import WeChatServerSim
    from storage import redis as redis_conn

    var = Path(tempfile.mkdtemp(prefix="qf-bench-"))
    base_db = os.environ.get("DATABASE_URL", "")
    db_url, db_name = await prepare_database(base_db, var)
    redis_url = args.redis_url or redis_conn.ensure_embedded(var / "redis")
    r = aioredis.from_url(redis_url)
    await r.flushdb()
    await r.aclose()
    s = Settings()
    env = {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": redis_url, "QINGFENG_VAR": str(var),
           "WECHAT_API_BASE": "http://127.0.0.1:9", "PYTHONPATH": str(ROOT), "QINGFENG_ENV": "development"}
    log = open(var / "server.log", "wb")
    profile = ["-m", "cProfile", "-o", os.environ["QF_BENCH_PROFILE"]] if os.environ.get("QF_BENCH_PROFILE") else []
    server = subprocess.Popen([sys.executable, *profile, "-m", "bot.cli", "serve", "--port", str(args.port)],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{args.port}"
    limit = args.concurrency if not args.rate else 0  # open loop: as many connections as villagers in flight
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit)) as session:
            for _ in range(200):
                try:
                    async with session.get(base + "/healthz") as h:
                        if h.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise SystemExit(f"server did not start; see {var / 'server.log'}")
            sim = WeChatServerSim(base, s.wechat_token, s.wechat_aes_key, s.wechat_appid)
            lat: dict[str, list[float]] = {k: [] for k in ("start", "describe", "done", "place", "confirm", "file")}
            out = {"filed": 0, "unexpected": 0, "errors": 0}
            sem = asyncio.Semaphore(args.concurrency if not args.rate else args.villagers)

            async def one(i: int) -> None:
                if args.rate:  # open loop: villagers arrive at a steady rate, whatever the server does
                    await asyncio.sleep(i / args.rate)
                async with sem:
                    await villager(i, sim, session, lat, out, args.think)

            t0 = time.perf_counter()
            await asyncio.gather(*(one(i) for i in range(args.villagers)))
            wall = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()
    cases, identities = await count_cases(db_url)
    if db_name:
        await drop_database(base_db, db_name)
    every = [x for v in lat.values() for x in v]
    print(f"backend: {'PostgreSQL' if db_name else 'SQLite'} + {'Redis server' if args.redis_url else 'embedded Redis'}")
    mode = (f"open loop: {args.rate:g} villagers/s arriving, {args.think:g} s between messages" if args.rate
            else f"closed loop: {args.concurrency} villagers at a time, no pause")
    print(f"villagers {args.villagers}, {mode}, wall {wall:.1f} s")
    print(f"requests {len(every)}, {len(every) / wall:.0f} req/s; reports filed {out['filed']} "
          f"({out['filed'] / wall:.0f}/s); unexpected {out['unexpected']}, errors {out['errors']}")
    print(f"cases in the database {cases} (identities {identities}: all anonymous)")
    print("step       n      p50 ms  p95 ms  p99 ms  max ms")
    for step, v in [*lat.items(), ("ALL", every)]:
        if v:
            ms = [x * 1000 for x in v]
            print(f"{step:9} {len(v):6} {statistics.median(ms):7.1f} {pct(ms, 95):7.1f} {pct(ms, 99):7.1f} {max(ms):7.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--villagers", type=int, default=10000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--rate", type=float, default=0.0, help="villagers arriving per second (open loop); 0: closed loop")
    ap.add_argument("--think", type=float, default=0.0, help="seconds a villager pauses between messages")
    ap.add_argument("--port", type=int, default=18931)
    ap.add_argument("--redis-url", default="", help="a Redis db of your own: it is flushed (default: embedded)")
    asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    main()
