"""How fast "低保怎么申请" is answered from a 小微权力清单 of 500 items, through the real inbound path.

A scratch database gets the demo county's 24 items plus 476 synthetic ones (distinct titles and
keywords, none about 低保), the app runs on a loopback port in this process, and the WeChat server
simulator posts "低保怎么申请" signed and AES-encrypted, each time from a new villager (so the
per-sender rate limit never applies), one message at a time. Latency is measured around the whole
HTTP round trip — sign, encrypt, post, verify, dedup, route, match, reply, decrypt — so the figure
includes the simulator's own crypto. Every reply is checked to be the 低保申请 item. The matcher
alone (handlers.publication.powers.answer_question) is timed too.

    .venv/bin/python benchmarks/bench_powers.py [--messages 2000] [--items 500]
With DATABASE_URL / REDIS_URL set it uses them (a scratch PostgreSQL database); else SQLite and embedded Redis.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.config import Settings  # noqa: E402

WHAT = ("农机购置", "渔船燃油", "林木采伐", "河道采砂", "集体林权流转", "农房抵押", "养殖用地", "设施农业用地", "村级光伏",
        "农村饮水", "村道养护", "垃圾清运", "村级网格", "村卫生室", "村级幼儿园", "村史馆", "文化礼堂", "村级电商",
        "土地复垦", "高标准农田", "小型水库", "山塘整治")
HOW = ("审批", "备案", "登记", "补助申领", "验收", "公示", "招标", "合同签订", "资金拨付", "监督检查", "变更", "注销",
       "年审", "评议", "核查", "续期", "转让", "退出", "抽查", "收费", "听证", "评估")


def synthetic_rows(n: int) -> list[tuple[int, dict]]:
    rows = []
    for i in range(n):
        title = WHAT[i % len(WHAT)] + HOW[(i // len(WHAT)) % len(HOW)] + ("" if i < len(WHAT) * len(HOW) else str(i))
        rows.append((i + 1, {"code": f"S{i:04d}", "title": title, "section": "合成事项",
                             "keywords": [title[:4], title[-4:] + str(i)], "steps": ["提出申请", "村级审核", "乡镇审批"],
                             "time_limit": f"{5 + i % 20}个工作日", "categories": ["collective_assets"]}))
    return rows


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


async def main(args: argparse.Namespace) -> None:
    from aiohttp.test_utils import TestServer

    from bot.app import build_services, close_services, create_app
    from bot.wechat_sim import WeChatServerSim
    from handlers.publication import powers
    from handlers.publication.power_import import import_powers, read_rows
    from storage import db
    from storage.registry import import_registry, load_file

    tmp = Path(tempfile.mkdtemp(prefix="bench-powers-"))
    base = os.environ.get("DATABASE_URL", "")
    url = await db.create_database(base, "qf_bench") if base and db.is_postgres(base) else f"sqlite://{tmp}/b.sqlite3"
    await db.migrate(url)
    await db.close()
    settings = Settings(var_dir=tmp, database_url=url, redis_url=os.environ.get("REDIS_URL", ""))
    services = await build_services(settings)
    try:
        await import_registry(load_file(REPO / "nlp" / "data" / "registry_demo.json"))
        await services.registry_changed()
        demo = read_rows(REPO / "storage" / "data" / "powers_demo.yaml")
        await import_powers(demo + synthetic_rows(args.items - len(demo)), services.redis, actor="bench")
        listed = await powers.current(services.redis)
        assert len(listed.items) == args.items, len(listed.items)

        t = []
        for _ in range(args.messages):
            t0 = time.perf_counter()
            found = powers.answer_question("低保怎么申请", services)
            t.append((time.perf_counter() - t0) * 1000)
            assert found and found.title == "低保申请"
        print(f"matcher alone, {args.items} items: p50 {pct(t, 50):.3f} ms, p99 {pct(t, 99):.3f} ms")

        server = TestServer(await create_app(settings, services))
        await server.start_server()
        sim = WeChatServerSim(str(server.make_url("")).rstrip("/"), settings.wechat_token, settings.wechat_aes_key,
                              settings.wechat_appid)
        lat: list[float] = []
        base_lat: list[float] = []
        wrong = 0
        async with aiohttp.ClientSession() as http:
            # Interleaved with 帮助 (the same path without the list), so both see the same machine load.
            for i in range(args.warmup + args.messages):
                t0 = time.perf_counter()
                r = await sim.send(http, f"oBenchPowers{i:014d}", "低保怎么申请")
                ms = (time.perf_counter() - t0) * 1000
                t0 = time.perf_counter()
                h = await sim.send(http, f"oBenchHelp{i:016d}", "帮助")
                help_ms = (time.perf_counter() - t0) * 1000
                if i >= args.warmup:
                    lat.append(ms)
                    base_lat.append(help_ms)
                    wrong += not (r.status == 200 and len(r.texts) == 1 and r.texts[0].startswith("【低保申请】")
                                  and r.texts[0].endswith(powers.REPORT_HINT))
                    wrong += not (h.status == 200 and h.texts)
        await server.close()
        for name, values in (("低保怎么申请", lat), ("帮助 (baseline)", base_lat)):
            print(f"/wechat/mp round trip {name}, {args.items} items, {args.messages} messages: "
                  f"p50 {pct(values, 50):.1f} ms, p95 {pct(values, 95):.1f} ms, p99 {pct(values, 99):.1f} ms, "
                  f"max {max(values):.1f} ms")
        print(f"wrong replies: {wrong}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    finally:
        await close_services(services)
        if base and db.is_postgres(base):
            await db.drop_database(url)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--items", type=int, default=500)
    asyncio.run(main(ap.parse_args()))
