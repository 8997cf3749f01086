"""The passive reply's XML is wechatpy's TextReply, byte for byte, on both channels; a `]]>` in the text
reaches WeChat as the same text instead of breaking the reply."""
from __future__ import annotations

import time

from wechatpy import parse_message
from wechatpy.enterprise import parse_message as work_parse
from wechatpy.enterprise.replies import TextReply as WorkTextReply
from wechatpy.replies import TextReply

from bot.wechat_reply import text_reply
from handlers.help import HELP_TEXT

MP = ("<xml><ToUserName><![CDATA[gh_sample]]></ToUserName><FromUserName><![CDATA[oSample01]]></FromUserName>"
      "<CreateTime>1764633600</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[帮助]]></Content>"
      "<MsgId>7000000001</MsgId></xml>")
WORK = MP.replace("gh_sample", "ww_corp").replace("</xml>", "<AgentID>1000002</AgentID></xml>")


def test_the_reply_is_wechatpys_on_both_channels() -> None:
    now = int(time.time())
    mp, work = parse_message(MP), work_parse(WORK)
    for text in (HELP_TEXT, "已收到,编号 QF2026000001", "<b>&amp;</b>"):
        assert text_reply(text, mp, now=now) == TextReply(content=text, message=mp, time=now).render()
        assert text_reply(text, work, agent=True, now=now) == \
            WorkTextReply(content=text, message=work, time=now).render()


def test_a_cdata_end_in_the_text_reads_back_as_the_same_text() -> None:
    said = "清单里没有“]]><MsgType>news</MsgType>”。"
    reply = parse_message(text_reply(said, parse_message(MP)))
    assert reply.content == said and reply.type == "text"
