"""`qingfeng serve`: run the HTTP server (WeChat endpoints, mini-program API, panel)."""
from __future__ import annotations

import argparse
import sys

from aiohttp import web

from bot.app import PathOnlyAccessLogger, create_app
from bot.config import load_settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the server",
                       description="Serve /wechat/mp, /wechat/work, /api/v1 and /admin. Configuration comes from the "
                                   "environment (DATABASE_URL, REDIS_URL, WECHAT_TOKEN, WECHAT_AES_KEY, WECHAT_APPID, "
                                   "WECHAT_API_BASE, ...); without DATABASE_URL/REDIS_URL it uses SQLite and an "
                                   "embedded Redis under ./var. Refuses to start (exit status 3) until `qingfeng "
                                   "migrate` has brought the database schema up to date, and in production "
                                   "(QINGFENG_ENV, the default) while a secret still has its development value "
                                   "(exit status 2, naming each variable).")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.cli._common import refuse_unmigrated

    settings = load_settings()
    settings.require_production_secrets()
    if not settings.wechat_aes_key and settings.environment == "production":
        # Allowed (SPEC: plain mode where no AES key is set), but its signature never covers the body.
        print("qingfeng serve: WARNING WECHAT_AES_KEY=none: /wechat/mp runs in plain mode, where WeChat's signature "
              "does not cover the message; set the official account to 安全模式 and its EncodingAESKey before "
              "going live", file=sys.stderr)
    refused = refuse_unmigrated("serve", settings)
    if refused is not None:
        return refused
    web.run_app(create_app(settings), host=args.host, port=args.port, access_log_class=PathOnlyAccessLogger,
                print=lambda s: print(s.replace("======== ", "").replace(" ========", "")))
    return 0
