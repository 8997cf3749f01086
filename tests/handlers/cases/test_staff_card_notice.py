"""Staff bound in WeCom get a template card (text_notice) with the case's essentials and a link into the panel;
nothing personal is in it."""
from __future__ import annotations

import json
from typing import Any

from tests.handlers.cases.conftest import (DONGLING, DONGLING_V, REPORTER_NAME, REPORTER_OPENID, REPORTER_PHONE,
                                           World)


async def test_wecom_staff_notice_is_a_card_with_the_essentials_and_a_panel_link(world: World) -> None:
    text = "东岭村主任王建国把我家的低保钱扣了一半,身份证610798199001011234"
    case = await world.file(text, township=DONGLING, village=DONGLING_V)
    stats = await world.deliver()
    assert stats.failed == 0
    sent, = world.sent_to("dongling")  # bound in WeCom
    assert sent.kind == "wecom_app" and sent.body["msgtype"] == "template_card"
    card = sent.body["template_card"]
    rows = {r["keyname"]: r["value"] for r in card["horizontal_content_list"]}
    assert card["card_type"] == "text_notice" and card["main_title"]["title"] == "新的群众反映"
    assert rows["案件编号"] == case.number and rows["类别"] == "惠民惠农资金问题"
    assert rows["地点"] == "东岭镇东岭村" and rows["办理期限"] == case.accept_due.isoformat()
    link = f"{world.services.settings.panel_url}/admin/cases/{case.id}"
    assert card["card_action"] == {"type": 1, "url": link} and card["jump_list"][0]["url"] == link
    dumped = json.dumps(sent.body, ensure_ascii=False)
    for secret in (REPORTER_OPENID, REPORTER_NAME, REPORTER_PHONE, "王建国", "610798199001011234", "低保钱"):
        assert secret not in dumped


async def test_staff_bound_in_the_official_account_still_get_the_template(world: World) -> None:
    await world.file()
    await world.deliver()
    sent, = world.sent_to("nanba")
    assert sent.kind == "template" and "template_card" not in sent.body
