"""`/wechat/mp`: the official account (公众号). Safe (AES) mode only, once an AES key is set;
plain mode only for an account configured without one (SPEC "Contracts")."""
from __future__ import annotations

from typing import Any

from aiohttp import web
from wechatpy import parse_message
from wechatpy.messages import MESSAGE_TYPES
from wechatpy.crypto import WeChatCrypto

from bot.dispatch import Dispatcher
from bot.inbound import ChannelSpec, InboundEndpoint
from bot.wechat_parse import fast_parser
from bot.wechat_reply import text_reply
from bot.services import Services


def _render(text: str, wmsg: Any) -> str:
    return text_reply(text, wmsg)  # TextReply's XML (tests/bot/test_wechat_reply.py)


def spec(services: Services) -> ChannelSpec:
    s = services.settings
    crypto = WeChatCrypto(s.wechat_token, s.wechat_aes_key, s.wechat_appid) if s.wechat_aes_key else None
    return ChannelSpec(name="mp", token=s.wechat_token, crypto=crypto, parse=fast_parser(MESSAGE_TYPES, parse_message),
                       render_text=_render,
                       encrypted=crypto is not None)


def routes(services: Services, dispatcher: Dispatcher) -> list[web.RouteDef]:
    endpoint = InboundEndpoint(spec(services), dispatcher, services)
    return [web.get("/wechat/mp", endpoint.handshake), web.post("/wechat/mp", endpoint.receive)]
