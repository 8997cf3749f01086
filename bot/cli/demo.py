"""`qingfeng demo`: everything on one laptop — schema, a demo county, staff, subsidy data,
the fake WeChat API, the worker and the server — with what to try next."""
from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.app import PathOnlyAccessLogger, build_services, close_services, create_app
from bot.config import load_settings

log = logging.getLogger("qingfeng.demo")

DEMO_REGISTRY = Path(__file__).resolve().parents[2] / "nlp" / "data" / "registry_demo.json"
DEMO_GROUP = "wrDemoGroupHujiazhuang"
DEMO_STAFF = [  # username, role, scope, password
    ("county_admin", "county_admin", "610798", "demo-county-admin"),
    ("county_staff", "county_staff", "610798", "demo-county-staff"),
    ("nanba_staff", "township_staff", "610798101", "demo-nanba-staff"),
    ("dongling_staff", "township_staff", "610798102", "demo-dongling-staff"),
    ("hujia_monitor", "monitor", "610798101201", "demo-monitor"),
    ("auditor", "auditor", "610798", "demo-auditor"),
]
DEMO_NAMES = {"county_admin": "李主任", "county_staff": "王干事", "nanba_staff": "南坝镇张干事",  # what the panel shows
              "dongling_staff": "东岭镇赵干事", "hujia_monitor": "胡家庄村监督员刘", "auditor": "审计员陈"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="run the whole system locally with a demo county",
                       description="Migrate the database (SQLite under ./var unless DATABASE_URL is set), load a "
                                   "demo county, staff accounts and synthetic subsidy records, start the fake WeChat "
                                   "API, the background worker and the server, then print what to try.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080, help="server port (default %(default)s)")
    p.add_argument("--fake-port", type=int, default=8081, help="fake WeChat API port (default %(default)s)")
    p.set_defaults(func=run)


async def load_demo_data(services: Any) -> list[str]:
    """Idempotent: running the demo twice loads nothing twice. Returns what was done."""
    from admin.accounts import create_user
    from storage import audit
    from storage.models import Staff, Village, WechatGroup
    from storage.registry import import_registry, load_file, load_registry_dict
    from storage.subsidy_demo import write_demo_csv
    from storage.subsidy_import import import_path

    done = []
    summary = await import_registry(load_file(DEMO_REGISTRY))
    if summary.changed:
        await audit.append("demo", "registry.import", DEMO_REGISTRY.name, {"created": summary.created})
    await services.registry_changed()
    done.append("registry: demo county 示例县 (3 townships, 9 villages)")
    village = await Village.get(code="610798101201")
    await WechatGroup.get_or_create(chat_id=DEMO_GROUP, defaults={"name": "胡家庄村民群", "village": village})
    done.append(f"village group {DEMO_GROUP} bound to 胡家庄村")
    for username, role, scope, password in DEMO_STAFF:
        if not await Staff.exists(username=username):
            await create_user(username, role, scope, password, display_name=DEMO_NAMES[username])
    done.append("panel accounts (user / password): " + ", ".join(f"{u} / {p}" for u, _, _, p in DEMO_STAFF))
    path = services.settings.var_dir / "demo_subsidies.csv"
    people = write_demo_csv(path, await load_registry_dict(), rows=300)
    summary = await import_path(path, cipher=services.cipher)
    done.append(f"subsidies: {path.name} imported ({summary.imported} new rows); synthetic people, e.g. "
                f"查补贴 {people[0].id_number} {people[0].name}")
    from storage.china_time import today
    from handlers.compare import run_all
    from handlers.publication.demo import load_publication_demo
    from storage.compare_demo import load_compare_demo

    done.extend(await load_publication_demo(services))
    done.extend(await load_compare_demo(services.settings.var_dir, services.cipher, "610798", today(services.clock)))
    compared = await run_all(services, actor="demo")
    found = sum(compared.found.values())
    done.append(f"comparison run: {found} findings on 比对疑点, {compared.clues} new clues "
                "(duplicate, after death, favoritism, above the standard, a late village's 村务公开)")
    return done


async def _main(args: argparse.Namespace) -> None:
    from bot.fake_wechat import FakeWeChat
    from storage import db

    settings = load_settings()
    settings = settings.with_(environment="development", wechat_api_base=f"http://{args.host}:{args.fake_port}",
                              wecom_api_base=f"http://{args.host}:{args.fake_port}/wecom")
    await db.migrate(settings.db_url)
    await db.close()
    fake = FakeWeChat(settings)
    await fake.start(port=args.fake_port, host=args.host)
    services = await build_services(settings)
    done = await load_demo_data(services)
    from bot.cli.worker import start_worker_in_process

    stop_worker = await start_worker_in_process(services)
    runner = web.AppRunner(await create_app(settings, services), access_log_class=PathOnlyAccessLogger)
    await runner.setup()
    await web.TCPSite(runner, args.host, args.port).start()
    base = f"http://{args.host}:{args.port}"
    print("\n".join([
        "", "清风 qingfeng demo is running.", *[f"  - {d}" for d in done],
        f"  - server {base}  (WeChat endpoint {base}/wechat/mp, panel {base}/admin)",
        f"  - fake WeChat API {fake.base_url}  (what the bot sent: {fake.base_url}/_fake/records)",
        f"  - data under {settings.var_dir}" if not settings.database_url else "  - data in DATABASE_URL",
        "", "Next, in another terminal:",
        "  qingfeng chat                      # a villager in a private chat: type 帮助, 举报, 查补贴",
        f"  qingfeng chat --group {DEMO_GROUP}   # a villager in the 胡家庄村 group",
        f"  open {base}/admin                 # the panel (accounts above)",
        "Ctrl-C stops everything.", "",
    ]), flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)  # `kill` stops it cleanly too
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        await stop_worker()
        await close_services(services)
        await fake.stop()


def run(args: argparse.Namespace) -> int:
    try:
        asyncio.run(_main(args))
    except KeyboardInterrupt:
        pass
    return 0
