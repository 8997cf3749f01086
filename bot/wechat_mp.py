"""`/wechat/mp`: the official account (公众号), plain and safe (AES) modes."""
from __future__ import annotations

from typing import Any

from aiohttp import web
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.replies import TextReply

from bot.dispatch import Dispatcher
from bot.inbound import ChannelSpec, InboundEndpoint
from bot.services import Services


def _render(text: str, wmsg: Any) -> str:
    return str(TextReply(content=text, message=wmsg).render())


def spec(services: Services) -> ChannelSpec:
    s = services.settings
    return ChannelSpec(
        name="mp", token=s.wechat_token, crypto=WeChatCrypto(s.wechat_token, s.wechat_aes_key, s.wechat_appid),
        parse=parse_message, render_text=_render, always_encrypted=False,
    )


def routes(services: Services, dispatcher: Dispatcher) -> list[web.RouteDef]:
    endpoint = InboundEndpoint(spec(services), dispatcher, services)
    return [web.get("/wechat/mp", endpoint.handshake), web.post("/wechat/mp", endpoint.receive)]
