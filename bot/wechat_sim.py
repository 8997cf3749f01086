"""A stand-in for WeChat's servers: builds, signs and encrypts messages exactly as they do.

Used by `qingfeng chat`, the tests and the load benchmark, so every inbound
path is exercised with what WeChat really sends.
"""
from __future__ import annotations

import hashlib
import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import aiohttp
import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WorkCrypto

_msg_ids = itertools.count(int(time.time() * 1000) % 10**12 * 1000)


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def sign(token: str, *parts: str) -> str:
    return hashlib.sha1("".join(sorted([token, *parts])).encode()).hexdigest()


@dataclass
class SimReply:
    status: int
    body: str
    texts: list[str] = field(default_factory=list)


@dataclass
class WeChatServerSim:
    base_url: str
    token: str
    aes_key: str
    appid: str  # appid for mp, corpid for work
    channel: str = "mp"
    mode: str = "aes"  # "aes" | "plain" (mp only, and only an account without an AES key accepts it)
    account: str = "gh_qingfeng0001"  # the official account's original id
    clock: Any = time.time

    def __post_init__(self) -> None:
        cls = WorkCrypto if self.channel == "work" else WeChatCrypto
        self.crypto = cls(self.token, self.aes_key, self.appid) if self.aes_key else None

    @property
    def path(self) -> str:
        return "/wechat/work" if self.channel == "work" else "/wechat/mp"

    def message_xml(self, sender: str, kind: str = "text", *, content: str = "", event: str = "",
                    event_key: str = "", recognition: str = "", media_id: str = "", chat_id: str = "",
                    msg_id: int | None = None, create_time: int | None = None,
                    extra: dict[str, str] | None = None) -> str:
        """One message as WeChat posts it. `extra`: more elements, in order (a location's Location_X,
        Label…, a link's Title, Url…); a video's MediaId is made up when not given."""
        ts = int(create_time if create_time is not None else self.clock())
        fields = [f"<ToUserName>{_cdata(self.account)}</ToUserName>", f"<FromUserName>{_cdata(sender)}</FromUserName>",
                  f"<CreateTime>{ts}</CreateTime>", f"<MsgType>{_cdata(kind)}</MsgType>"]
        if kind == "text":
            fields.append(f"<Content>{_cdata(content)}</Content>")
        elif kind == "event":
            fields.append(f"<Event>{_cdata(event)}</Event>")
            if event_key:
                fields.append(f"<EventKey>{_cdata(event_key)}</EventKey>")
        elif kind == "voice":
            fields += [f"<MediaId>{_cdata(media_id or 'media' + secrets.token_hex(6))}</MediaId>",
                       f"<Format>{_cdata('amr')}</Format>", f"<Recognition>{_cdata(recognition)}</Recognition>"]
        elif kind == "image":
            fields += [f"<PicUrl>{_cdata('http://127.0.0.1/pic.jpg')}</PicUrl>",
                       f"<MediaId>{_cdata(media_id or 'media' + secrets.token_hex(6))}</MediaId>"]
        elif kind in ("video", "shortvideo"):
            fields += [f"<MediaId>{_cdata(media_id or 'video' + secrets.token_hex(6))}</MediaId>",
                       f"<ThumbMediaId>{_cdata('media' + secrets.token_hex(6))}</ThumbMediaId>"]
        for name, value in (extra or {}).items():
            fields.append(f"<{name}>{_cdata(value)}</{name}>")
        if chat_id:
            fields.append(f"<ChatId>{_cdata(chat_id)}</ChatId>")
        if self.channel == "work":
            fields.append(f"<AgentID>{escape('1000002')}</AgentID>")
        if kind != "event":
            fields.append(f"<MsgId>{msg_id if msg_id is not None else next(_msg_ids)}</MsgId>")
        return "<xml>" + "".join(fields) + "</xml>"

    def envelope(self, inner_xml: str, *, timestamp: int | None = None, nonce: str | None = None) -> tuple[dict[str, str], str]:
        """Query string and body of the POST, signed (and encrypted in AES mode)."""
        ts = str(int(timestamp if timestamp is not None else self.clock()))
        nonce = nonce or secrets.token_hex(5)
        if self.channel == "mp" and self.mode == "plain":
            return {"signature": sign(self.token, ts, nonce), "timestamp": ts, "nonce": nonce, "openid": "x"}, inner_xml
        enc = self.crypto.encrypt_message(inner_xml, nonce, ts)
        encrypt = xmltodict.parse(enc)["xml"]["Encrypt"]
        body = f"<xml><ToUserName>{_cdata(self.account)}</ToUserName><Encrypt>{_cdata(encrypt)}</Encrypt></xml>"
        query = {"timestamp": ts, "nonce": nonce, "msg_signature": sign(self.token, ts, nonce, encrypt)}
        if self.channel == "mp":
            query.update(signature=sign(self.token, ts, nonce), encrypt_type="aes")
        return query, body

    def read_reply(self, body: str) -> list[str]:
        if not body or body == "success":
            return []
        if "<Encrypt>" in body:
            doc = xmltodict.parse(body)["xml"]
            body = self.crypto.decrypt_message(body, doc["MsgSignature"], doc["TimeStamp"], doc["Nonce"])
        doc = xmltodict.parse(body)["xml"]
        return [doc.get("Content") or ""]

    async def post_xml(self, session: aiohttp.ClientSession, inner_xml: str, **envelope_kw: Any) -> SimReply:
        query, body = self.envelope(inner_xml, **envelope_kw)
        async with session.post(self.base_url + self.path, params=query, data=body.encode(),
                                headers={"Content-Type": "text/xml"}) as resp:
            text = await resp.text()
            return SimReply(resp.status, text, self.read_reply(text) if resp.status == 200 else [])

    async def send(self, session: aiohttp.ClientSession, sender: str, content: str = "", **kw: Any) -> SimReply:
        kind = kw.pop("kind", "text")
        return await self.post_xml(session, self.message_xml(sender, kind, content=content, **kw))
