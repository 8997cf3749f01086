"""我没收到 / 金额不对 as a villager goes through it: confirmed, 实名 or 匿名, what was received, the record attached."""
from __future__ import annotations

from typing import Any

from handlers.subsidies import texts
from storage.models import Case, ReporterIdentity, SubsidyRecord
from tests.handlers.conftest import Villager, all_redis
from tests.handlers.subsidies.conftest import HU
from tests.handlers.test_conversations_report import file_anonymous, receipt_in


async def listed(v: Villager) -> None:
    await v.one("查补贴")
    assert "共3条" in await v.one(f"{HU.id_number} {HU.name}")


async def test_dispute_is_confirmed_before_anything_is_filed(imported: Any, villager: Villager) -> None:
    await listed(villager)
    ask = await villager.one("金额不对 3")
    assert ask.startswith("您要反映第3条记录金额不对") and "危房改造补助 20000.00元" in ask
    assert await villager.one("不对") == texts.DISPUTE_DROPPED + texts.LISTED_HINT
    assert await Case.all().count() == 0
    assert "第1条记录没有收到" in await villager.one("我没收到 1")  # the list is still there


async def test_real_name_dispute_states_what_was_received_and_names_the_payment(imported: Any,
                                                                               villager: Villager) -> None:
    await listed(villager)
    await villager.one("金额不对 2")
    await villager.one("1")
    await villager.one("实名")
    assert await villager.one("大概一千") == texts.BAD_RECEIVED  # asked again, nothing filed
    filed = await villager.one("收到1200元")
    case = await Case.get()
    assert case.number in filed and not case.anonymous and await ReporterIdentity.filter(case=case).exists()
    assert "农村低保(2026年)" in case.text and "名册金额 1560.00元" in case.text and "实际收到:1200.00元" in case.text
    assert "胡家庄村" in case.text and HU.name not in case.text and HU.id_number not in case.text
    record = await SubsidyRecord.get(program="农村低保")
    assert case.source_ref == {"subsidy_record": record.id, "dispute": "wrong_amount", "received": "1200.00元"}


async def test_anonymous_dispute_gets_a_receipt_and_keeps_no_identity(imported: Any, villager: Villager,
                                                                      make_villager: Any) -> None:
    await listed(villager)
    await villager.one("我没收到 1")
    await villager.one("对")
    assert await villager.one("2") == texts.ASK_RECEIVED["not_received"]
    filed = await villager.one("跳过")
    receipt = receipt_in(filed)
    case = await Case.get()
    assert case.anonymous and not await ReporterIdentity.filter(case=case).exists()
    assert "匿名举报不保存您的任何身份信息" in filed and "实际收到" not in case.text
    assert case.number not in repr(await all_redis(imported))  # not tied to this chat, not even sealed
    assert await villager.one("我没收到 1") == texts.ALREADY_DISPUTED_ANONYMOUS.format(no=1)
    shown = await make_villager().one(f"查询进度 {receipt}")
    assert case.number in shown and "状态:已收到" in shown


async def test_i_did_not_receive_before_a_lookup_says_how(villager: Villager) -> None:
    assert await villager.one("我没收到") == texts.NEED_LOOKUP.format(word="我没收到 编号")


async def test_under_the_list_a_report_a_question_or_a_receipt_reach_their_flows(imported: Any, villager: Villager,
                                                                              make_villager: Any) -> None:
    other = make_villager()
    receipt = receipt_in(await file_anonymous(other))
    await listed(villager)
    assert "状态:已收到" in await villager.one(receipt)
    await listed(villager)
    assert "低保" in await villager.one("低保怎么申请") and "【举报】" in await villager.one("低保怎么申请")
    await listed(villager)
    assert await villager.one("明天再说") == texts.LISTED_HINT  # nothing else to do with it: the list's hint
    started = await villager.one("胡家庄村的会计把我家的低保扣了一半")
    assert "【好了】" in started and "已记下" in started  # a report begins, not the list's hint
