"""Publication through /wechat/mp and /wechat/work as WeChat sends it: 权力清单, questions about a power,
村务公开 with the late list, 公示 from the archive, 点题 with one vote per villager per round, and
"最近查处了什么" in a village group."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from bot.wechat_sim import WeChatServerSim
from handlers.publication import powers as P
from handlers.publication import texts as T
from storage.models import Village, WechatGroup
from storage.models.publication import RoundStatus, TopicVote
from tests.handlers.conftest import Villager, new_openid

HUJIAZHUANG = "610798101201"
GROUP = "wrGroupPublication0001"


@pytest.fixture
def villager2(wechat: Any, http: Any, powers_loaded: Any) -> Villager:
    return Villager(wechat, http, new_openid())


async def test_dibao_question_is_answered_from_the_list_with_steps_time_limit_and_report_hint(
        villager2: Villager) -> None:
    reply = await villager2.one("低保怎么申请")
    assert reply.startswith("【低保申请】")
    assert "办理流程：\n1. 户主以家庭为单位" in reply
    assert "办理时限：受理后10个工作日内完成入户调查" in reply
    assert reply.endswith(P.REPORT_HINT)


async def test_homestead_question_names_the_township_and_the_time_limit(villager2: Villager) -> None:
    reply = await villager2.one("宅基地审批要多久？")
    assert reply.startswith("【农村宅基地审批】") and "20个工作日内作出审批决定" in reply


async def test_a_complaint_about_dibao_is_not_taken_for_a_question(villager2: Villager) -> None:
    reply = await villager2.one("村支书把我家低保扣了怎么办")
    assert not reply.startswith("【低保申请】")


async def test_power_list_keyword_lists_every_item_and_opens_one_by_number(villager2: Villager) -> None:
    listing = await villager2.one("权力清单")
    assert "共24项" in listing and "低保申请" in listing and "农村危房改造" in listing
    item = await villager2.one("权力清单 7")
    assert item.startswith("【农村危房改造】") and item.endswith(P.REPORT_HINT)
    assert (await villager2.one("权力清单 宅基地")).startswith("【农村宅基地审批】")


async def test_power_question_in_a_village_group_gets_the_same_answer(
        app_server: Any, settings: Any, http: Any, powers_loaded: Any) -> None:
    sim = WeChatServerSim(str(app_server.make_url("")).rstrip("/"), settings.wecom_token, settings.wecom_aes_key,
                          settings.wecom_corpid, channel="work")
    r = await sim.send(http, "member-0001", "危房改造需要什么材料", chat_id=GROUP)
    assert r.texts and r.texts[0].startswith("【农村危房改造】")


async def test_a_new_item_is_answered_after_an_import(villager2: Villager, services: Any) -> None:
    from handlers.publication.power_import import import_powers

    rows = [(1, {"code": "X1", "title": "村级水费收缴", "keywords": ["水费"], "steps": ["村里公布标准", "按户收缴并开票"],
                 "time_limit": "每季度一次"})]
    await import_powers(rows, services.redis, actor="test")
    assert (await villager2.one("水费怎么交")).startswith("【村级水费收缴】")
