"""What reporters, staff and village groups are told, and that staff never learn who reported."""
from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from handlers.cases import actions
from handlers.cases.announce import announce
from handlers.cases.escalation import sweep
from handlers.cases.queries import rate
from storage.models import OutboxMessage, WechatGroup
from tests.handlers.cases.conftest import DONGLING, HUJIA, REPORTER_OPENID, World, template_value
from storage.models import Village


async def test_reporter_gets_customer_service_text_inside_48h_and_a_template_outside(
        world: World, wechat: Any, http: Any) -> None:
    wechat.clock = world.clock
    case = await world.file()
    s, sv = world.staff["nanba"], world.services
    await actions.accept(case.id, actor_staff=s, services=sv)
    await world.deliver()
    [outside] = world.to_reporter()
    assert outside.kind == "template" and template_value(world, outside, "number") == case.number
    await wechat.send(http, REPORTER_OPENID, "帮助")  # the reporter writes: the 48 h window opens
    await actions.start_investigation(case.id, actor_staff=s, services=sv)
    await world.deliver()
    inside = world.to_reporter()[1]
    assert inside.kind == "custom" and case.number in inside.body["text"]["content"]
    assert "开始调查" in inside.body["text"]["content"]


async def test_only_visible_changes_reach_the_reporter_and_never_the_anonymous_one(world: World) -> None:
    s, sv = world.staff["nanba"], world.services
    named = await world.file()
    anon = await world.file(anonymous=True, text="胡家庄村会计截留危房改造补助款")
    for c in (named, anon):
        await actions.accept(c.id, actor_staff=s, services=sv)
        await actions.add_finding(c.id, actor_staff=s, text="内部记录", services=sv)  # internal: not told
        await actions.reply_to_reporter(c.id, actor_staff=s, text="正在核实", services=sv)
        await actions.resolve(c.id, actor_staff=s, result="已整改", services=sv)
    await world.deliver()
    news = [template_value(world, r, "news") for r in world.to_reporter()]
    assert news == ["已受理", "办理单位给您回复了", "已办结,请您评价"]
    assert all(m.payload["audience"] != "reporter" for m in await OutboxMessage.filter(case_id=anon.id))


async def test_staff_never_receive_the_reporters_openid_name_or_phone(
        world: World, reporter_secrets: tuple[str, ...], sensitive_log: Any) -> None:
    """A whole busy life of 实名 cases; then every record the fake API got and every payload is scanned."""
    sv, county, nanba = world.services, world.staff["county"], world.staff["nanba"]
    a = await world.file()
    b = await world.file(text="胡家庄村会计把我家的低保钱扣了一半还威胁我")  # linked to a
    c = await world.file(level="township", text="南坝镇民政办的人收了我的红包")
    await actions.accept(a.id, actor_staff=nanba, services=sv)
    await actions.add_finding(a.id, actor_staff=world.staff["monitor"], text="反映人张秀英说属实", services=sv)
    await actions.reassign(b.id, actor_staff=county, office_code=DONGLING, reason="回避", services=sv)
    await actions.recategorise(c.id, actor_staff=county, category="bribery_extortion", reason="实为收红包",
                               services=sv)
    await actions.resolve(a.id, actor_staff=nanba, result="已追回", services=sv)
    await rate(a.id, False, "不满意", "reporter", sv)
    world.clock.set(date(2026, 12, 10))
    await sweep(sv)
    await world.deliver()
    to_staff = [r for r in world.fake.records if r.body.get("touser") != REPORTER_OPENID]
    assert len(to_staff) >= 10 and len(world.to_reporter()) >= 3
    for r in to_staff:
        blob = json.dumps(r.body, ensure_ascii=False)
        for secret in reporter_secrets:
            assert secret not in blob, (r.kind, secret)
    for m in await OutboxMessage.all():
        payload = json.dumps(m.payload, ensure_ascii=False)
        assert not any(s in payload for s in reporter_secrets), "payloads hold no personal data"
        assert REPORTER_OPENID not in m.recipient_enc
    keys = [k.decode() async for k in sv.redis.scan_iter("*")]
    assert not any(s in k for k in keys for s in reporter_secrets)
    logged = "\n".join(rec.getMessage() for rec in sensitive_log.records)
    assert REPORTER_OPENID not in logged and "13912345678" not in logged


async def test_announcements_reach_the_chosen_village_groups_once(world: World) -> None:
    village = await Village.get(code=HUJIA)
    await WechatGroup.create(chat_id="wrHujia1", name="胡家庄一组", village=village, webhook_key="robot-hujia-1")
    await WechatGroup.create(chat_id="wrHujia2", name="胡家庄二组", village=village, webhook_key="robot-hujia-2")
    await WechatGroup.create(chat_id="wrNoRobot", name="没有机器人", village=village)
    text = "【公示】2026年第三季度低保发放名单已在村务公开栏张贴,如有异议请于12月5日前反映。"
    assert await announce(text, ["wrHujia1", "wrHujia2"], world.staff["county"], world.services) == 2
    await world.deliver()
    robots = [r for r in world.fake.records if r.kind == "webhook"]
    assert [r.body["text"]["content"] for r in robots] == [text, text]
    assert all("robot-hujia" not in json.dumps(m.payload) for m in await OutboxMessage.all())
    with pytest.raises(actions.BadInput, match="身份证号或手机号"):
        await announce("举报人电话13912345678", ["wrHujia1"], "county-cli", world.services)
    with pytest.raises(actions.BadInput, match="没有配置群机器人"):
        await announce(text, ["wrNoRobot"], "county-cli", world.services)
    with pytest.raises(actions.BadInput, match="没有这些群"):
        await announce(text, ["wrMissing"], "county-cli", world.services)
    with pytest.raises(actions.RoleNotAllowed):
        await announce(text, ["wrHujia1"], world.staff["nanba"], world.services)
