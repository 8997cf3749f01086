"""`/wechat/work`: WeCom (企业微信) for staff, monitors and village groups. Always encrypted."""
from __future__ import annotations

from typing import Any

from aiohttp import web
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.messages import MESSAGE_TYPES

from bot.dispatch import Dispatcher
from bot.inbound import ChannelSpec, InboundEndpoint
from bot.services import Services
from bot.wechat_parse import fast_parser
from bot.wechat_reply import text_reply


def _render(text: str, wmsg: Any) -> str:
    return text_reply(text, wmsg, agent=True)  # TextReply's XML (tests/bot/test_wechat_reply.py)


def spec(services: Services) -> ChannelSpec:
    s = services.settings
    return ChannelSpec(
        name="work", token=s.wecom_token, crypto=WeChatCrypto(s.wecom_token, s.wecom_aes_key, s.wecom_corpid),
        parse=fast_parser(MESSAGE_TYPES, parse_message), render_text=_render, encrypted=True,
    )


def routes(services: Services, dispatcher: Dispatcher) -> list[web.RouteDef]:
    endpoint = InboundEndpoint(spec(services), dispatcher, services)
    return [web.get("/wechat/work", endpoint.handshake), web.post("/wechat/work", endpoint.receive)]
