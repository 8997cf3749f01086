"""The passive text reply's XML, as wechatpy's TextReply renders it, without its per-field machinery.

WeChat reads `<xml>` with the fields in any order; these are wechatpy's (AgentID first for WeCom). A `]]>` in
the text (a villager's words echoed back) would end the CDATA section early and leave WeChat an unreadable
reply: it is split across two sections, which XML reads back as the same text.
"""
from __future__ import annotations

import time
from typing import Any


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(text: str, message: Any, *, agent: bool = False, now: float | None = None) -> str:
    """The reply to `message` (a wechatpy message): from the account it was sent to, to its sender.
    `agent`: WeCom's, naming the application (AgentID) the message came through."""
    head = f"<AgentID>{int(getattr(message, 'agent', 0) or 0)}</AgentID>\n" if agent else ""
    return (f"<xml>\n<MsgType><![CDATA[text]]></MsgType>\n{head}<Content>{_cdata(str(text))}</Content>\n"
            f"<FromUserName>{_cdata(str(message.target))}</FromUserName>\n"
            f"<ToUserName>{_cdata(str(message.source))}</ToUserName>\n"
            f"<CreateTime>{int(time.time() if now is None else now)}</CreateTime>\n</xml>")
