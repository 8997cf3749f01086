"""WeCom template cards (text_notice) through the real HTTP fake: accepted as WeCom accepts them, refused as it
refuses them (card_action, titles, list lengths, links)."""
from __future__ import annotations

import copy
from typing import Any

import pytest

from bot.fake_wechat import FakeWeChat
from bot.wechat_api import WeChatAPIError, WeComClient
from bot.wecom_card import case_link, staff_card
from tests.bot.outbound_fixtures import (  # noqa: F401  (pytest fixtures)
    fake, http, redis, redis_url, settings, wecom,
)

VALUES = {"label": "新的群众反映", "number": "QF2026000123", "category": "惠民惠农资金问题",
          "place": "南坝镇胡家庄村", "due": "2026-11-26", "note": ""}
LINK = case_link("https://qf.example.gov.cn", 123)


async def test_wecom_accepts_the_staff_card(wecom: WeComClient, fake: FakeWeChat) -> None:
    await wecom.send_card("nanba-wang", staff_card(VALUES, LINK))
    sent, = fake.state.records_of("wecom_app")
    assert sent.body["msgtype"] == "template_card" and "text" not in sent.body
    card = sent.body["template_card"]
    assert card["card_type"] == "text_notice" and card["card_action"] == {"type": 1, "url": LINK}
    assert LINK == "https://qf.example.gov.cn/admin/cases/123"


def _broken(change: Any) -> dict[str, Any]:
    card = copy.deepcopy(staff_card(VALUES, LINK))
    change(card)
    return card


@pytest.mark.parametrize("change, errcode", [
    (lambda c: c.pop("card_action"), 40058),  # text_notice needs the card's click target
    (lambda c: c["card_action"].update(type=3), 40058),
    (lambda c: c["card_action"].update(url="javascript:alert(1)"), 40058),
    (lambda c: c["main_title"].pop("title"), 41016),  # neither a title nor sub_title_text
    (lambda c: c.update(card_type="news_notice_x"), 40008),
    (lambda c: c["horizontal_content_list"].extend([{"keyname": "多", "value": "x"}] * 3), 40058),  # 7 rows
    (lambda c: c["horizontal_content_list"][0].pop("keyname"), 40058),
    (lambda c: c["jump_list"].extend([{"type": 1, "title": "x", "url": LINK}] * 3), 40058),  # 4 jumps
    (lambda c: c["jump_list"][0].pop("url"), 40058),
    (lambda c: c.update(task_id="has space"), 40058),
])
async def test_wecom_refuses_a_card_it_would_refuse(wecom: WeComClient, fake: FakeWeChat, change: Any,
                                                    errcode: int) -> None:
    with pytest.raises(WeChatAPIError) as caught:
        await wecom.send_card("nanba-wang", _broken(change))
    assert caught.value.errcode == errcode
    assert fake.state.records_of("wecom_app") == []


def test_the_staff_card_keeps_to_wecoms_recommended_lengths() -> None:
    long = dict(VALUES, label="转来案件,请办理" * 6, place="很长的乡镇名称" * 8, note="与QF2026000001相似,共9件" * 3)
    card = staff_card(long, LINK)
    assert len(card["main_title"]["title"]) <= 36 and len(card["main_title"]["desc"]) <= 44
    assert len(card["horizontal_content_list"]) <= 6
    assert all(len(r["keyname"]) <= 5 and len(r["value"]) <= 30 for r in card["horizontal_content_list"])
    assert len(card["emphasis_content"]["title"]) <= 10
