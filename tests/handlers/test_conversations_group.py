"""Village groups over /wechat/work: FAQ, invitations, and nothing personal processed, stored or echoed."""
from __future__ import annotations

from typing import Any

import pytest

from bot.wechat_sim import WeChatServerSim
from handlers import group as G
from storage.models import Case, Village, WechatGroup
from tests.handlers.conftest import all_redis, all_rows

CHAT = "wrGroupHujiazhuang0001"
MEMBER = "zhangsan-wecom-0001"
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def group(app_server: Any, settings: Any, registry_loaded: Any, http: Any) -> Any:
    sim = WeChatServerSim(str(app_server.make_url("")).rstrip("/"), settings.wecom_token, settings.wecom_aes_key,
                          settings.wecom_corpid, channel="work")

    async def say(text: str) -> list[str]:
        r = await sim.send(http, MEMBER, text, chat_id=CHAT)
        assert r.status == 200
        return r.texts

    return say


async def test_id_number_in_group_gets_warning_and_is_kept_nowhere(group: Any, services: Any, sensitive_log: Any) -> None:
    texts = await group(f"帮我查下补贴 {ID_NUMBER} 张三")
    assert texts == [G.PRIVACY]
    assert not any(ID_NUMBER in r for r in await all_rows())
    assert not any(ID_NUMBER.encode() in v or b"\xe5\xbc\xa0\xe4\xb8\x89" in v for v in await all_redis(services))
    assert ID_NUMBER not in sensitive_log.text


async def test_phone_number_in_group_gets_warning(group: Any) -> None:
    assert await group("有事打我电话 138-0013-8000") == [G.PRIVACY]


async def test_report_typed_in_group_is_not_filed(group: Any, services: Any) -> None:
    texts = await group("胡家庄村的村支书把我家低保扣了")
    assert texts == [G.REPORT_IN_GROUP] and "低保" not in texts[0]
    assert await Case.all().count() == 0
    assert not any(b"fsm" in k for k in [k async for k in services.redis.scan_iter("*")])
    assert await group("好了") == []  # no flow was started in the group


async def test_report_keyword_in_group_invites_to_private_chat(group: Any) -> None:
    assert await group("举报") == [G.INVITE]
    assert await group("查补贴") == [G.INVITE]


async def test_faq_in_bound_group_names_the_village_office(group: Any) -> None:
    await WechatGroup.create(chat_id=CHAT, name="胡家庄村民群", village=await Village.get(code="610798101201"))
    answer = await group("请问怎么举报村干部?")
    assert answer == [answer[0]] and "南坝镇纪委" in answer[0] and "胡家庄村" in answer[0]
    assert "受理后30个工作日内办结" in (await group("举报了多久能有结果"))[0]  # the calendar counts working days
    assert "匿名" in (await group("举报会不会被报复"))[0]


async def test_faq_in_unbound_group_still_answers(group: Any) -> None:
    answer = await group("在哪里举报?")
    assert answer and "私聊" in answer[0] and "纪委" not in answer[0]


async def test_group_chatter_gets_no_reply(group: Any) -> None:
    assert await group("今天晚上村里放电影") == []


async def test_group_question_whether_village_cadres_learn_who_reported_is_answered(group: Any) -> None:
    [answer] = await group("举报会不会被村干部知道是我?")
    assert "看不到是谁反映的" in answer and "匿名" in answer and answer != G.REPORT_IN_GROUP
    assert "私聊" in answer  # where to go next, said in the answer itself


async def test_group_question_about_publicity_lists_the_village_announcements(group: Any) -> None:
    from handlers.publication.archive import record

    assert await group("有没有公示?") == [G.PUBLICITY_UNBOUND]
    gr = await WechatGroup.create(chat_id=CHAT, name="胡家庄村民群", village=await Village.get(code="610798101201"))
    assert await group("有没有公示?") == [G.NO_PUBLICITY]
    await record("2026年第二季度农村低保公示\n胡某某 1560元", [gr], sender="staff:1", office_code="610798101",
                 office_name="南坝镇", title="2026年第二季度农村低保公示")
    [answer] = await group("公示在哪里看")
    assert "胡家庄村最近的公示" in answer and "2026年第二季度农村低保公示" in answer and "胡某某" not in answer
    assert "【公示】" in answer


async def test_help_lists_who_looked_me_up_and_not_received(villager_help: Any) -> None:
    from handlers.help import HELP_TEXT

    assert "【谁查过我】" in HELP_TEXT and "【我没收到】" in HELP_TEXT
    assert await villager_help("帮助") == [HELP_TEXT]


@pytest.fixture
def villager_help(wechat: Any, http: Any, registry_loaded: Any) -> Any:
    async def say(text: str) -> list[str]:
        r = await wechat.send(http, "oHelpReader000000000000001", text)
        assert r.status == 200
        return r.texts

    return say


async def test_group_deadline_answer_follows_the_countys_settings(group: Any) -> None:
    from handlers.cases.deadlines import set_deadline

    assert "3个工作日内决定是否受理" in (await group("举报了多久有结果?"))[0]
    await set_deadline("*", "accept", 5, actor="test")
    await set_deadline("*", "resolve", 20, actor="test")
    answer = (await group("举报了多久有结果?"))[0]
    assert "5个工作日内决定是否受理" in answer and "受理后20个工作日内办结" in answer
