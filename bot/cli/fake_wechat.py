"""`qingfeng fake-wechat`: run the local fake of WeChat's and WeCom's APIs until Ctrl-C."""
from __future__ import annotations

import argparse

_DESCRIPTION = """\
Run a local stand-in for the WeChat official-account, mini-program and WeCom HTTP APIs,
so outbound messages can be demonstrated and tested without reaching WeChat.

Point the server at it with WECHAT_API_BASE=http://HOST:PORT and
WECOM_API_BASE=http://HOST:PORT/wecom (the defaults match --port 8081). It accepts the
credentials from the environment (WECHAT_APPID/WECHAT_SECRET, MINIAPP_APPID/MINIAPP_SECRET,
WECOM_CORPID/WECOM_SECRET/WECOM_AGENTID; demo values when unset), answers with WeChat's
errcodes and keeps every accepted message in memory.

As strict as WeChat: a token works only for the app that got it and only on that kind of app's
APIs (48001), an openid belongs to one app (40003), a template id to the app that picked it (40037,
the templates of QINGFENG_TPL_*), data must fit the template's typed keys (47003), and a subscribe
message needs the user's acceptance (43101). Also media (photo, voice, video via video_url),
parametric QR codes (qrcode/create, showqrcode) and the custom menu (menu/create, menu/get).

Inspect and steer it over HTTP:
  GET  /_fake/records[?kind=custom|template|subscribe|wecom_app|webhook|qrcode|menu]
  POST /_fake/follow            {"openid": "...", "appid": "..."}   (a follower of the official account)
  POST /_fake/accept_subscribe  {"openid": "...", "template_id": "...", "times": 1}  (omit times: long-term)
  GET  /_fake/stats
  POST /_fake/reset
  POST /_fake/expire_tokens
  POST /_fake/fail   {"count": N, "mode": "http500|timeout|busy|errcode", "errcode": 45015, "paths": [...]}"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "fake-wechat", help="run a local fake of the WeChat/WeCom APIs (for demos and tests)",
        description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8081, help="port (default 8081, as WECHAT_API_BASE's default)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from aiohttp import web

    from bot.config import load_settings
    from bot.fake_wechat import create_fake_app

    settings = load_settings()
    base = f"http://{args.host}:{args.port}"
    print(f"fake WeChat API on {base} (WeCom under {base}/wecom); "
          f"official account {settings.wechat_appid}, mini-program {settings.miniapp_appid}, "
          f"WeCom {settings.wecom_corpid} agent {settings.wecom_agentid}. Ctrl-C to stop.")
    # access_log=None: aiohttp's access log prints query strings, tokens included.
    web.run_app(create_fake_app(settings), host=args.host, port=args.port, access_log=None, print=None)
    return 0
