"""A decrypted message into wechatpy's message object, as wechatpy's `parse_message` makes it, faster.

wechatpy reads the XML with xmltodict (a Python SAX handler): on the hot path that cost more than the
decryption. A villager's message (text, voice, image, location, link…) is one flat `<xml>` of plain elements;
for such a message the C parser's elements give xmltodict's dict exactly (text joined, stripped, empty as
None), and the same message class is made from it. Anything else (an event, with its subscribe and scan
rewriting; nested, repeated or attributed elements) goes to wechatpy's own parser unchanged.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any, Callable

from wechatpy.messages import UnknownMessage

Parse = Callable[[str], Any]


def flat_fields(xml: str) -> dict[str, str | None] | None:
    """`<xml>`'s children as xmltodict reads them, or None when the message is not flat plain elements."""
    root = ET.fromstring(xml)
    if root.tag != "xml" or root.attrib:
        return None
    fields: dict[str, str | None] = {}
    for child in root:
        if len(child) or child.attrib or child.tag in fields:
            return None
        text = child.text
        fields[child.tag] = (text.strip() or None) if text else None
    return fields


def fast_parser(message_types: dict[str, type], slow: Parse) -> Parse:
    """A parse function for one channel: its message classes for flat messages, `slow` (wechatpy's) otherwise."""

    def parse(xml: str) -> Any:
        fields = flat_fields(xml)
        kind = (fields.get("MsgType") or "").lower() if fields is not None else ""
        if not kind or kind == "event" or kind.startswith("device_"):
            return slow(xml)
        return message_types.get(kind, UnknownMessage)(fields)

    return parse
