"""The report flow end to end through /wechat/mp (encrypted as WeChat sends it), checked against what was stored."""
from __future__ import annotations

import asyncio
import re
from typing import Any

from bot.dispatch.dispatcher import EXPIRED
from handlers import report_texts as T
from handlers.cancel import CANCELLED
from handlers.cases.numbers import format_receipt
from storage.receipts import hash_receipt
from handlers.help import HELP_TEXT
from storage import keys
from storage.models import Case, CaseEvent, ReporterIdentity, Status
from tests.handlers.conftest import Villager, all_redis, all_rows, confirmed

HUJIAZHUANG = "610798101201"
NANBA = "610798101"
DONGLING = "610798102"
DONGLING_VILLAGE = "610798102201"
DONGLING_SHIQIAO = "610798102202"
COUNTY = "610798"
LOW_INCOME = "胡家庄村的村支书把我家低保扣了"


def receipt_in(text: str) -> str:
    m = re.search(r"回执码:(\d{4} \d{4} \d{4} \d{4})", text)
    assert m, text
    return m.group(1).replace(" ", "")


async def file_anonymous(v: Villager, description: str = LOW_INCOME) -> str:
    assert await v.one("举报") == T.START
    assert await v.one(description) == T.MORE
    assert (await v.one("好了")).startswith("您反映的是")
    assert await confirmed(v) == T.ASK_IDENTITY
    return await v.one("2")


async def test_anonymous_report_is_filed_with_case_number_and_receipt(villager: Villager, services: Any) -> None:
    await villager.one("举报")
    await villager.one(LOW_INCOME)
    confirm = await villager.one("好了")
    assert confirm.splitlines()[0] == "您反映的是南坝镇胡家庄村的低保问题,对吗?"
    await confirmed(villager)
    done = await villager.one("2")
    case = await Case.get()
    assert case.number and case.number in done and "南坝镇纪委" in done
    receipt = receipt_in(done)
    assert format_receipt(receipt) in done
    assert (case.category, case.village_id, case.route_to, case.anonymous) == ("subsidy_fraud", HUJIAZHUANG, NANBA, True)
    assert case.text == LOW_INCOME and case.status == Status.RECEIVED
    assert case.receipt_hash == await hash_receipt(receipt)  # argon2id, no key
    assert await ReporterIdentity.all().count() == 0


async def test_anonymous_report_keeps_no_openid_phone_or_receipt_anywhere(
    villager: Villager, services: Any, sensitive_log: Any, fake_wechat: Any
) -> None:
    done = await file_anonymous(villager)
    receipt = receipt_in(done)
    await services.drain()
    needles = [villager.openid, receipt, format_receipt(receipt)]
    rows = await all_rows()
    assert any("低保" in r for r in rows)  # the scan does see the report
    for needle in needles:
        assert not any(needle in r for r in rows), needle
        assert not any(needle.encode() in v for v in await all_redis(services)), needle
        assert needle not in sensitive_log.text
        assert not any(needle in repr(r.body) for r in fake_wechat.records), needle


async def test_real_name_report_with_bad_then_good_phone(villager: Villager, services: Any, sensitive_log: Any) -> None:
    await villager.one("举报")
    await villager.one(LOW_INCOME)
    await villager.one("好了")
    await confirmed(villager)
    assert await villager.one("1") == T.ASK_NAME
    assert await villager.one("跳过") == T.ASK_PHONE
    assert await villager.one("1380013") == T.BAD_PHONE
    assert await villager.one("23800138000") == T.BAD_PHONE
    done = await villager.one("138 0013 8000")
    assert "QF" in done and "我的举报" in done
    case = await Case.get()
    ident = await ReporterIdentity.get(case_id=case.id)
    assert case.anonymous is False
    assert services.cipher.open(ident.phone_enc) == "13800138000"
    assert services.cipher.open(ident.openid_enc) == villager.openid
    for needle in ("13800138000", villager.openid):  # only sealed
        assert not any(needle in r for r in await all_rows())
        assert not any(needle.encode() in v for v in await all_redis(services))
        assert needle not in sensitive_log.text
    listing = await villager.one("我的举报")
    assert case.number in listing and "惠民惠农资金问题" in listing


async def test_real_name_report_may_skip_the_phone(villager: Villager) -> None:
    await villager.one("举报")
    await villager.one(LOW_INCOME)
    await villager.one("好了")
    await confirmed(villager)
    assert await villager.one("实名") == T.ASK_NAME
    assert await villager.one("跳过") == T.ASK_PHONE
    assert "QF" in await villager.one("跳过")
    ident = await ReporterIdentity.get()
    assert ident.phone_enc is None


async def test_wrong_place_corrected_by_number_reply(villager: Villager) -> None:
    await villager.one("举报")
    await villager.one(LOW_INCOME)
    await villager.one("好了")
    assert await villager.one("3") == T.ASK_PLACE
    corrected = await villager.one("东岭镇东岭村")
    assert corrected.startswith("您反映的是东岭镇东岭村的低保问题,对吗?")
    await confirmed(villager)
    done = await villager.one("2")
    case = await Case.get()
    assert (case.township_id, case.village_id, case.route_to) == (DONGLING, DONGLING_VILLAGE, DONGLING)
    assert "东岭镇纪委" in done


async def test_ambiguous_village_asked_once_and_settled_by_township(villager: Villager) -> None:
    await villager.one("举报")
    await villager.one("石桥村会计把集体鱼塘承包费装进自己腰包")
    assert await villager.one("好了") == T.ASK_PLACE
    confirm = await villager.one("东岭镇")
    assert confirm.startswith("您反映的是东岭镇石桥村的村集体资金资产问题")
    await confirmed(villager)
    await villager.one("2")
    case = await Case.get()
    assert (case.village_id, case.route_to) == (DONGLING_SHIQIAO, DONGLING)


async def test_place_still_unknown_after_asking_goes_to_county_intake(villager: Villager) -> None:
    await villager.one("举报")
    await villager.one("村主任收了红包才给盖章")
    assert await villager.one("好了") == T.ASK_PLACE
    confirm = await villager.one("不知道")
    assert "地点没有确定" in confirm
    await confirmed(villager)
    done = await villager.one("2")
    case = await Case.get()
    assert case.route_to == COUNTY and case.township_id is None and "示例县纪委监委" in done


async def test_category_corrected_from_menu(villager: Villager) -> None:
    await villager.one("举报")
    await villager.one(LOW_INCOME)
    await villager.one("好了")
    assert await villager.one("2") == T.category_menu()
    assert (await villager.one("12")).startswith(T.BAD_CATEGORY)
    confirm = await villager.one("5")
    assert confirm.startswith("您反映的是南坝镇胡家庄村的工程项目问题,对吗?")
    await confirmed(villager)
    await villager.one("2")
    assert (await Case.get()).category == "project_bidding"


async def test_out_of_scope_gets_referral_and_no_case_number(villager: Villager) -> None:
    await villager.one("举报")
    await villager.one("隔壁邻居占了我家的地,吵了好几次")
    answer = await villager.one("好了")
    assert answer == T.REFERRAL and "12345" in answer and "QF" not in answer
    case = await Case.get()  # kept for statistics only
    assert case.status == Status.NOT_ACCEPTED and case.route_to == "" and case.anonymous


async def test_complaint_typed_without_keyword_starts_the_report(villager: Villager) -> None:
    assert await villager.one("危房改造补贴被胡家庄村干部克扣了一半") == T.STARTED_WITH_TEXT
    assert await villager.one("去年的事,好几户都这样") == T.MORE
    assert (await villager.one("好了")).startswith("您反映的是南坝镇胡家庄村的危房改造问题")
    await confirmed(villager)
    await villager.one("2")
    assert (await Case.get()).text == "危房改造补贴被胡家庄村干部克扣了一半\n去年的事,好几户都这样"


async def test_small_talk_does_not_start_a_report(villager: Villager) -> None:
    assert "帮助" in await villager.one("今天天气不错")
    assert await Case.all().count() == 0


async def test_menu_click_starts_the_report(villager: Villager) -> None:
    assert await villager.one(kind="event", event="CLICK", event_key="REPORT") == T.START


async def test_cancel_midway_keeps_nothing(villager: Villager, services: Any) -> None:
    await villager.one("举报")
    await villager.one(LOW_INCOME)
    await villager.one("好了")
    assert await villager.one("取消") == CANCELLED
    assert await Case.all().count() == 0
    assert not any(b"fsm" in k for k in [k async for k in services.redis.scan_iter("*")])
    assert "帮助" in await villager.one("1")  # the flow is gone: "1" means nothing now


async def test_help_mid_flow_keeps_the_flow(villager: Villager) -> None:
    await villager.one("举报")
    await villager.one(LOW_INCOME)
    assert await villager.one("帮助") == HELP_TEXT
    assert (await villager.one("好了")).startswith("您反映的是南坝镇胡家庄村")


async def test_expired_flow_is_told_and_nothing_filed(villager: Villager, services: Any, dispatcher: Any) -> None:
    await villager.one("举报")
    await villager.one(LOW_INCOME)
    subject = dispatcher.subject_of("mp", villager.openid)
    await services.redis.delete(keys.fsm_state("mp", "private", subject))  # the TTL ran out; the marker outlives it
    texts = await villager.say("好了")
    assert texts[0] == EXPIRED.format(minutes=services.settings.state_ttl_s // 60)
    assert await Case.all().count() == 0
    assert await villager.one("举报") == T.START  # a fresh start works


async def test_retried_message_never_files_twice(villager: Villager, services: Any) -> None:
    await villager.one("举报")
    await villager.one(LOW_INCOME)
    await villager.one("好了")
    await confirmed(villager)
    xml = villager.sim.message_xml(villager.openid, content="2", msg_id=777000111)
    first, second = await asyncio.gather(villager.sim.post_xml(villager.http, xml),
                                         villager.sim.post_xml(villager.http, xml))
    third = await villager.sim.post_xml(villager.http, xml)  # WeChat's last retry, after the answer
    assert first.texts == second.texts == third.texts and "QF" in first.texts[0]
    assert await Case.all().count() == 1
    assert await CaseEvent.filter(kind="filed").count() == 1


async def test_voice_recognition_becomes_text(villager: Villager) -> None:
    await villager.one("举报")
    assert await villager.one(kind="voice", recognition="胡家庄村会计把低保名额给了自己亲戚",
                              media_id="voice0001") == T.voice_heard("胡家庄村会计把低保名额给了自己亲戚")
    await villager.one("好了")
    await confirmed(villager)
    await villager.one("2")
    case = await Case.get()
    assert case.text == "胡家庄村会计把低保名额给了自己亲戚" and case.village_id == HUJIAZHUANG


async def test_progress_keyword_mid_report_is_not_taken_as_description(villager: Villager) -> None:
    await villager.one("举报")
    await villager.one(LOW_INCOME)
    assert await villager.one("查询进度") == "请发送案件编号(QF开头)或16位回执码。"


async def test_photo_first_starts_a_report_and_keeps_the_photo(villager: Villager, services: Any) -> None:
    assert await villager.one(kind="image", media_id="media-first") == T.MEDIA_FIRST
    await villager.one(LOW_INCOME)
    await villager.one("好了")
    await confirmed(villager)
    await villager.one("2")
    await services.drain()
    case = await Case.get()
    assert case.text == LOW_INCOME and await case.attachments.all().count() == 1
