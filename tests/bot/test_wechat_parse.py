"""The hot path's parser gives what wechatpy's `parse_message` gives, for every sample message of WeChat's and
WeCom's, in wechatpy's and WeRoBot's layouts, and for the edge cases xmltodict decides (spaces, empty elements)."""
from __future__ import annotations

import pytest
from wechatpy import parse_message as mp_parse
from wechatpy.enterprise import parse_message as work_parse
from wechatpy.enterprise.messages import MESSAGE_TYPES as WORK_TYPES
from wechatpy.messages import MESSAGE_TYPES as MP_TYPES

from bot.wechat_parse import fast_parser
from tests.bot.wechat_samples import SAMPLES, render

PARSERS = {"mp": (fast_parser(MP_TYPES, mp_parse), mp_parse), "work": (fast_parser(WORK_TYPES, work_parse), work_parse)}


def _same(fast: object, slow: object) -> None:
    assert type(fast) is type(slow)
    assert dict(fast._data) == dict(slow._data)  # type: ignore[attr-defined]
    for name in ("id", "source", "target", "create_time", "type", "content", "media_id", "recognition", "event"):
        assert _field(fast, name) == _field(slow, name), name


def _field(message: object, name: str) -> object:
    try:
        return getattr(message, name, None)
    except Exception as exc:  # a field wechatpy cannot read (a device event's content is base64): the same error
        return type(exc)


@pytest.mark.parametrize("style", ["wechatpy", "werobot"])
@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_every_sample_message_parses_as_wechatpy_parses_it(sample: object, style: str) -> None:
    xml = render(sample, style, sender="oSample000000000000000000001", account="gh_sample", now=1764633600,  # type: ignore[arg-type]
                 msgid=7_000_000_001)
    fast, slow = PARSERS[sample.channel]  # type: ignore[attr-defined]
    _same(fast(xml), slow(xml))


@pytest.mark.parametrize("content", ["  胡家庄村 会计  ", "", "   ", "a<![CDATA[b]]>c", "一\n二"])
def test_spaces_and_empty_elements_read_as_xmltodict_reads_them(content: str) -> None:
    xml = (f"<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>"
           f"<MsgType>text</MsgType><Content>{content}</Content><MsgId>5</MsgId><Extra/></xml>")
    fast, slow = PARSERS["mp"]
    _same(fast(xml), slow(xml))


def test_attributes_nesting_and_repeats_go_to_wechatpy() -> None:
    fast, slow = PARSERS["mp"]
    for extra in ('<Content lang="zh">x</Content>', "<Info><A>1</A></Info>", "<A>1</A><A>2</A>"):
        xml = (f"<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>"
               f"<MsgType>text</MsgType>{extra}<MsgId>5</MsgId></xml>")
        _same(fast(xml), slow(xml))
