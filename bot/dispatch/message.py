"""The inbound message as handlers see it, whatever channel it came from."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

_SPACE = re.compile(r"\s+")


def normalise_keyword(text: str) -> str:
    """How keywords are compared: no spaces, no closing punctuation, lower case."""
    return _SPACE.sub("", text).strip("。.!!??").lower()


@dataclass(frozen=True)
class Inbound:
    channel: str  # "mp" (official account) | "work" (WeCom)
    sender: str  # openid / WeCom userid: personal data, never logged
    kind: str  # text | image | voice | video (shortvideo too) | location | link | miniprogrampage | event | unknown
    text: str = ""
    event: str = ""  # subscribe | unsubscribe | click | ...
    event_key: str = ""
    media_id: str = ""
    pic_url: str = ""
    recognition: str = ""  # WeChat's speech recognition of a voice message
    title: str = ""  # a location's label (its address), a link's or a mini-program card's title
    chat_id: str = ""  # WeCom group chat id; "" in a private chat
    msg_id: str = ""
    create_time: int = 0
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def in_group(self) -> bool:
        return bool(self.chat_id)

    @cached_property  # frozen: computed once, though every keyword filter asks
    def content(self) -> str:
        """What the villager said: typed text, or the recognised speech of a voice message."""
        return (self.text or self.recognition).strip()

    @cached_property
    def normalised(self) -> str:
        """`content` as keywords are compared; computed once, however many filters ask."""
        return normalise_keyword(self.content)

    @property
    def dedup_key(self) -> str:
        """WeChat's retry identity: MsgId, or sender+CreateTime+Event for events (sender hashed by the caller)."""
        return self.msg_id or f"{self.create_time}:{self.event}:{self.event_key}"


def from_wechatpy(channel: str, msg: Any) -> Inbound:
    """Normalise a wechatpy message or event object.

    Plain fields are read from the parsed XML wechatpy keeps (`_data`), which is what its
    field descriptors return too; events go through wechatpy, which names scan-subscribes
    and strips their `qrscene_` prefix.
    """
    raw: dict[str, Any] = getattr(msg, "_data", None) or {}
    kind = getattr(msg, "type", "unknown") or "unknown"
    msg_type = str(raw.get("MsgType") or "").lower()
    if kind == "unknown" and msg_type == "event":
        kind = "event"  # an event wechatpy has no class for (subscribe_msg_popup_event, change_contact, …)
    elif kind == "unknown" and msg_type in ("location", "link", "video", "shortvideo", "miniprogrampage", "file"):
        kind = msg_type  # WeCom's parser lacks some of these
    common = dict(
        channel=channel, sender=str(raw.get("FromUserName") or ""),
        chat_id=str(raw.get("ChatId") or raw.get("ChatID") or ""), msg_id=str(raw.get("MsgId") or ""),
        create_time=int(raw.get("CreateTime") or 0), raw=dict(raw),
    )
    if kind == "text":
        return Inbound(kind="text", text=str(raw.get("Content") or ""), **common)
    if kind == "event":
        return Inbound(kind="event", event=str(getattr(msg, "event", "") or raw.get("Event") or "").lower(),
                       event_key=str(raw.get("EventKey") or ""), **common)  # wechatpy stripped `qrscene_`
    if kind == "voice":
        return Inbound(kind="voice", media_id=str(raw.get("MediaId") or ""),
                       recognition=str(raw.get("Recognition") or ""), **common)
    if kind == "image":
        return Inbound(kind="image", media_id=str(raw.get("MediaId") or ""), pic_url=str(raw.get("PicUrl") or ""),
                       **common)
    if kind in ("video", "shortvideo"):
        return Inbound(kind="video", media_id=str(raw.get("MediaId") or ""), **common)
    if kind == "location":
        return Inbound(kind="location", title=str(raw.get("Label") or ""), **common)
    if kind in ("link", "miniprogrampage"):
        return Inbound(kind=kind, title=str(raw.get("Title") or ""), **common)
    return Inbound(kind=kind, **common)
