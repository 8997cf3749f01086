"""群众点题 (one vote per villager per round, in the chat), 查处结果公开 (reviewed by a second county person,
never the reporter or the case text; "最近查处了什么" in a village group), and the 公示 archive."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from admin.accounts import create_user
from bot.wechat_sim import WeChatServerSim
from handlers.cases.announce import announce
from handlers.cases.transitions import transition
from handlers.publication import archive, outcomes, topics
from handlers.publication import texts as T
from storage.models import AuditEntry, Case, Status, Village, WechatGroup
from storage.models.publication import Announcement, RoundStatus, TopicVote
from tests.admin.conftest import file_case
from tests.handlers.conftest import Villager, new_openid

HJZ, NANBA = "610798101201", "610798101"
GROUP = "wrGroupOutcomes0001"
REPORT_TEXT = "胡家庄村会计王某把我家低保钱扣了一半，我叫李大山，电话13800138000"


async def open_round() -> Any:
    today = date.today()
    r = await topics.create_round("2026年第四季度群众点题", today - timedelta(days=1), today + timedelta(days=9),
                                  [("低保评定", "低保对象认定是否公平"), ("村级工程项目", ""), ("集体“三资”管理", "")],
                                  actor="staff:1")
    await topics.set_status(r, RoundStatus.OPEN, actor="staff:1")
    return r


async def test_one_vote_per_villager_per_round_in_the_chat(wechat: Any, http: Any, registry_loaded: Any) -> None:
    r = await open_round()
    v = Villager(wechat, http, new_openid())
    listing = await v.one("点题")
    assert "1. 低保评定：低保对象认定是否公平" in listing and "每人每轮一票" in listing
    assert "请回复题目前面的编号" in await v.one("9")
    assert "您选的是“村级工程项目”" in await v.one("2")
    assert "投票成功" in await v.one("东岭村")
    assert await v.one("点题") == T.ALREADY
    # Replaying the flow by hand does not count twice either: the database refuses the second vote.
    subject = (await TopicVote.get(round_id=r.id)).subject_hash
    assert await topics.vote(r, (await topics.topics_of(r))[0].id, subject) is topics.VoteOutcome.ALREADY
    assert await TopicVote.filter(round_id=r.id).count() == 1
    other = Villager(wechat, http, new_openid())
    await other.one("点题")
    await other.one("1")
    assert "投票成功" in await other.one("跳过")
    per = {t.township: t.counts for t in await topics.by_township(r)}
    tids = [t.id for t in await topics.topics_of(r)]
    assert per == {"": {tids[0]: 1}, "610798102": {tids[1]: 1}}
    await topics.set_status(r, RoundStatus.CLOSED, actor="staff:1")
    closed = await Villager(wechat, http, new_openid()).one("点题")
    assert "群众选出的监督重点是：" in closed and "低保评定" in closed and "村级工程项目" in closed


async def closed_case(services: Any) -> Any:
    case = await file_case(services, REPORT_TEXT, township=NANBA, village=HJZ, anonymous=False, name="李大山",
                           phone="13800138000", openid="oReporterOutcome0000000001")
    for target in (Status.ACCEPTED, Status.INVESTIGATING):
        await transition(case.id, target, actor="staff:1", services=services)
    await transition(case.id, Status.RESOLVED, actor="staff:1", reason="问题属实，已责令退还", services=services,
                     updates={"result": "问题属实，已责令退还"})
    return await Case.get(id=case.id)


async def test_outcome_is_published_after_a_second_county_review_and_answered_in_the_group(
        app_server: Any, settings: Any, http: Any, registry_loaded: Any) -> None:
    services = registry_loaded
    township = await create_user("nanba_o", "township_staff", NANBA, "nanba-outcome-pass-1")
    county = await create_user("county_o", "county_staff", "610798", "county-outcome-pass-1")
    case = await closed_case(services)
    o = await outcomes.propose(case, "责令退还款项", "", township)
    with pytest.raises(outcomes.OutcomeRefused, match="县纪委监委"):
        await outcomes.review(o, township, publish=True)
    assert not await outcomes.published().exists()
    await outcomes.review(o, county, publish=True)
    assert await AuditEntry.filter(action="outcome.publish").exists()

    await WechatGroup.create(chat_id=GROUP, name="胡家庄村民群", village=await Village.get(code=HJZ))
    sim = WeChatServerSim(str(app_server.make_url("")).rstrip("/"), settings.wecom_token, settings.wecom_aes_key,
                          settings.wecom_corpid, channel="work")
    [reply] = (await sim.send(http, "member-0002", "最近查处了什么", chat_id=GROUP)).texts
    assert "南坝镇胡家庄村 惠民惠农资金问题：责令退还款项" in reply
    for secret in ("李大山", "13800138000", "王某", "扣了一半", case.number):
        assert secret not in reply


async def test_outcome_summary_with_a_phone_number_is_refused(registry_loaded: Any) -> None:
    township = await create_user("nanba_p", "township_staff", NANBA, "nanba-outcome-pass-2")
    case = await closed_case(registry_loaded)
    with pytest.raises(outcomes.OutcomeRefused, match="手机号"):
        await outcomes.propose(case, "批评教育", "当事人电话13800138000", township)
    open_case = await file_case(registry_loaded, "村里公款吃喝", township=NANBA, village=HJZ, category="eight_rules")
    with pytest.raises(outcomes.OutcomeRefused, match="已办结"):
        await outcomes.propose(open_case, "批评教育", "", township)


async def test_every_announcement_is_archived_with_office_and_villages(wechat: Any, http: Any,
                                                                       registry_loaded: Any) -> None:
    services = registry_loaded
    await WechatGroup.create(chat_id=GROUP, name="胡家庄村民群", village=await Village.get(code=HJZ),
                             webhook_key="hook-0001")
    await announce("关于2026年度低保对象评议结果的公示\n公示期7天，有异议请反映。", [GROUP], "staff:1", services)
    [a] = await Announcement.all()
    assert a.office_name == "示例县纪委监委" and a.title == "关于2026年度低保对象评议结果的公示"
    assert [x.id for x in await archive.search(village=HJZ)] == [a.id]
    assert [x.id for x in await archive.search(village=HJZ, q="低保对象")] == [a.id]
    assert not await archive.search(village=HJZ, q="宅基地")
    assert not await archive.search(village="610798102201")
    v = Villager(wechat, http, new_openid())
    reply = await v.one("公示 胡家庄村")
    assert "胡家庄村最近的公示" in reply and "示例县纪委监委：关于2026年度低保对象评议结果的公示" in reply
