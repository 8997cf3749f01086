"""查补贴 through /wechat/mp exactly as WeChat's servers send it (signed, AES), replies read back the same way."""
from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from handlers.subsidies import texts
from handlers.subsidies.lookup import FAILED_LIMIT, NO_MATCH_TEXT
from nlp.idcard import R_15, R_CHECK, make_id
from storage.models import Case, OutboxMessage, ReporterIdentity, SubsidyRecord
from storage.subsidy_import import import_subsidies
from tests.handlers.subsidies.conftest import HU, LI, ZHAO, write_csv
from tests.handlers.subsidies.privacy import assert_nothing_personal

OPENID = "oSubsidyVillager0000000001"
SECRETS = [HU.id_number, HU.name, LI.id_number, LI.name, ZHAO.id_number, "胡小山"]


@pytest.fixture
def sent_since(fake_wechat: Any) -> Any:
    start = len(fake_wechat.records)
    return lambda: fake_wechat.records[start:]


async def say(wechat: Any, http: Any, text: str, openid: str = OPENID) -> list[str]:
    r = await wechat.send(http, openid, text)
    assert r.status == 200
    return r.texts


async def test_id_and_name_in_one_message_list_masked_records(imported: Any, wechat: Any, http: Any,
                                                               sensitive_log: Any, sent_since: Any) -> None:
    assert await say(wechat, http, "查补贴") == [texts.START]
    [reply] = await say(wechat, http, f"{HU.id_number} {HU.name}")
    assert "胡*山" in reply and HU.id_number[:4] + "*" * 10 + HU.id_number[-4:] in reply
    assert reply.index("842.50元") < reply.index("1560.00元") < reply.index("20000.00元")  # newest first
    assert "2026年 2402.50元" in reply and "2025年 20000.00元" in reply and "胡家庄村" in reply
    await assert_nothing_personal(SECRETS, services=imported, caplog=sensitive_log, sent=sent_since())


async def test_keyword_id_and_name_in_a_single_message(imported: Any, wechat: Any, http: Any) -> None:
    [reply] = await say(wechat, http, f"查补贴 {HU.id_number} {HU.name}")
    assert "胡*山" in reply and "共3条" in reply
    assert await say(wechat, http, "查补贴怎么用") == [texts.START]


async def test_name_then_id_in_two_messages_and_id_then_name(imported: Any, wechat: Any, http: Any,
                                                            sensitive_log: Any, sent_since: Any) -> None:
    await say(wechat, http, "查补贴")
    assert await say(wechat, http, f"我叫{HU.name}") == [texts.ASK_ID]
    [reply] = await say(wechat, http, " ".join([HU.id_number[:6], HU.id_number[6:14], HU.id_number[14:]]))
    assert "共3条" in reply
    await say(wechat, http, "查补贴")
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in LI.id_number)
    assert await say(wechat, http, full_width) == [texts.ASK_NAME]
    [reply] = await say(wechat, http, LI.name)
    assert "李*英" in reply and "高龄补贴 600.00元(石桥村)" in reply
    await assert_nothing_personal(SECRETS, services=imported, caplog=sensitive_log, sent=sent_since())


async def test_wrong_name_and_unknown_id_get_the_same_answer(imported: Any, wechat: Any, http: Any,
                                                            sensitive_log: Any, sent_since: Any) -> None:
    await say(wechat, http, "查补贴")
    wrong_name = await say(wechat, http, f"{HU.id_number} 胡小山")
    unknown = await say(wechat, http, f"{ZHAO.id_number} {ZHAO.name}")
    assert wrong_name == unknown == [NO_MATCH_TEXT]
    await assert_nothing_personal(SECRETS, services=imported, caplog=sensitive_log, sent=sent_since())


async def test_invalid_numbers_get_their_reason(imported: Any, wechat: Any, http: Any) -> None:
    await say(wechat, http, "查补贴")
    bad = HU.id_number[:-1] + ("1" if HU.id_number[-1] != "1" else "2")
    assert await say(wechat, http, f"{bad} {HU.name}") == [R_CHECK]
    assert await say(wechat, http, HU.id_number[:6] + HU.id_number[8:17]) == [R_15]
    assert "16位" in (await say(wechat, http, HU.id_number[:16]))[0]


async def test_failed_tries_are_limited_and_the_wait_is_stated(imported: Any, wechat: Any, http: Any) -> None:
    await say(wechat, http, "查补贴")
    for i in range(FAILED_LIMIT):
        assert await say(wechat, http, f"{make_id('610798', date(1971, 1, 1 + i), i)} 王某某") == [NO_MATCH_TEXT]
    [reply] = await say(wechat, http, f"{HU.id_number} {HU.name}")
    assert "60分钟后再试" in reply and "胡*山" not in reply


async def test_dispute_on_a_listed_record_files_a_routed_subsidy_fraud_report(imported: Any, wechat: Any,
                                                                            http: Any, sensitive_log: Any,
                                                                            sent_since: Any) -> None:
    await say(wechat, http, "查补贴")
    await say(wechat, http, f"{HU.id_number} {HU.name}")
    assert "2026-03-15 农村低保 1560.00元(胡家庄村)" in (await say(wechat, http, "我没收到 2"))[0]
    assert await Case.filter(category="subsidy_fraud").count() == 0  # confirmed first
    assert await say(wechat, http, "1") == [texts.ASK_DISPUTE_IDENTITY]
    assert await say(wechat, http, "1") == [texts.ASK_RECEIVED["not_received"]]
    [reply] = await say(wechat, http, "0")
    assert "案件编号" in reply and "南坝镇纪委" in reply and "回执码" in reply
    case = await Case.get(category="subsidy_fraud")
    record = await SubsidyRecord.get(program="农村低保")  # no. 2 in the list: 2026-03-15
    assert case.source_ref == {"subsidy_record": record.id, "dispute": "not_received", "received": "没有收到"}
    assert case.route_to == "610798101" and case.village_id == "610798101201" and not case.anonymous
    assert await ReporterIdentity.filter(case=case).exists()
    assert HU.name not in case.text and HU.id_number not in case.text and "1560.00元" in case.text
    assert (await say(wechat, http, "我没收到 2"))[0].startswith("第2条记录您已经反映过了")
    assert await Case.filter(category="subsidy_fraud").count() == 1
    assert await say(wechat, http, "金额不对 9") == [texts.NO_SUCH_NUMBER.format(no=9)]
    # 石桥村 (南坝镇) is under elevated supervision: the county handles it.
    other = "oSubsidyVillager0000000002"
    await say(wechat, http, "查补贴", openid=other)
    await say(wechat, http, f"{LI.id_number} {LI.name}", openid=other)
    await say(wechat, http, "金额不对", openid=other)  # one record: no number needed
    await say(wechat, http, "对", openid=other)
    await say(wechat, http, "实名", openid=other)
    assert await say(wechat, http, "跳过", openid=other)
    li_case = await Case.filter(category="subsidy_fraud").order_by("-id").first()
    assert li_case is not None and li_case.route_to == "610798" and li_case.source_ref["dispute"] == "wrong_amount"
    await assert_nothing_personal(SECRETS, services=imported, caplog=sensitive_log, sent=sent_since())


async def test_who_looked_me_up_shows_times_after_a_lookup(imported: Any, wechat: Any, http: Any) -> None:
    assert await say(wechat, http, "谁查过我") == [texts.NEED_LOOKUP.format(word="谁查过我")]
    await say(wechat, http, "查补贴", openid="oSomeoneElse00000000000001")
    await say(wechat, http, f"{HU.id_number} {HU.name}", openid="oSomeoneElse00000000000001")
    await say(wechat, http, "查补贴")
    await say(wechat, http, f"{HU.id_number} {HU.name}")
    [reply] = await say(wechat, http, "谁查过我")
    assert reply.startswith("您的补贴记录被查询的情况") and len([x for x in reply.splitlines() if x[:2] == "20"]) == 2


async def test_who_looked_me_up_names_the_office_of_a_staff_lookup_never_the_person(imported: Any, wechat: Any,
                                                                                     http: Any) -> None:
    from admin.accounts import create_user
    from handlers.subsidies.lookup import lookup

    county = await create_user("county_checker", "county_staff", "610798", "pw-county-checker-1")
    town = await create_user("nanba_checker", "township_staff", "610798101", "pw-nanba-checker-1")
    for staff in (county, town):  # as the panel's 查询 page does it
        await lookup(HU.id_number, HU.name, channel="panel", actor=f"staff:{staff.id}", services=imported)
    await say(wechat, http, "查补贴")
    await say(wechat, http, f"{HU.id_number} {HU.name}")
    [reply] = await say(wechat, http, "谁查过我")
    lines = [x for x in reply.splitlines() if x[:2] == "20"]
    assert len(lines) == 3 and lines[0].endswith("通过公众号查询")  # this one, newest first
    assert lines[1].endswith("南坝镇纪委工作人员核查") and lines[2].endswith("纪委监委工作人员核查")
    assert "未知" not in reply and "county_checker" not in reply and "nanba_checker" not in reply


async def test_subscribe_then_next_import_queues_a_sealed_notification(imported: Any, wechat: Any, http: Any,
                                                                      tmp_path: Path, sensitive_log: Any,
                                                                      sent_since: Any) -> None:
    assert await say(wechat, http, "订阅") == [texts.NEED_LOOKUP.format(word="订阅")]
    await say(wechat, http, "查补贴")
    await say(wechat, http, f"{HU.id_number} {HU.name}")
    assert await say(wechat, http, "订阅") == [texts.SUBSCRIBED]
    assert await say(wechat, http, "订阅") == [texts.ALREADY_SUBSCRIBED]
    new_rows = [[HU.name, HU.id_number, "临时救助", "800", "2026-06-01", "610798101201", "县民政局"],
                [LI.name, LI.id_number, "高龄补贴", "600", "2026-07-10", "610798101202", "县民政局"]]
    s = await import_subsidies(write_csv(tmp_path / "next.csv", new_rows), imported.cipher)
    assert s.committed and s.notified == 1
    [msg] = await OutboxMessage.all()
    assert imported.cipher.open(msg.recipient_enc) == OPENID and msg.status == "pending"
    assert "1条" in msg.payload["text"] and msg.payload["channel"] == "mp"
    assert HU.name not in str(msg.payload) and HU.id_number not in str(msg.payload)
    assert await say(wechat, http, "取消订阅") == [texts.UNSUBSCRIBED]
    await assert_nothing_personal(SECRETS, services=imported, caplog=sensitive_log, sent=sent_since())


async def test_a_long_list_arrives_in_several_messages(imported: Any, wechat: Any, http: Any, tmp_path: Path,
                                                      sensitive_log: Any, sent_since: Any) -> None:
    start = date(2024, 1, 1)
    rows = [[ZHAO.name, ZHAO.id_number, "城乡居民养老金", f"{150 + i}.00", (start + timedelta(days=10 * i)).isoformat(),
             "610798102201", "县人社局"] for i in range(60)]
    assert (await import_subsidies(write_csv(tmp_path / "long.csv", rows), imported.cipher)).imported == 60
    await say(wechat, http, "查补贴")
    [first] = await say(wechat, http, f"{ZHAO.id_number} {ZHAO.name}")
    assert first.endswith(")") and "(1/" in first and "赵*梅" in first
    from handlers.cases.delivery import deliver_due

    for _ in range(100):  # the rest wait in the durable outbox; the worker's job sends them
        await imported.drain()
        await deliver_due(imported)
        if sent_since():
            break
        await asyncio.sleep(0.05)
    rest = [r.body["text"]["content"] for r in sent_since() if r.body.get("touser") == OPENID]
    total = int(first.rsplit("/", 1)[1].rstrip(")"))
    assert total >= 2 and len(rest) == total - 1 and f"({total}/{total})" in rest[-1]
    listed = "\n".join([first, *rest])
    assert all(f"{150 + i}.00元" in listed for i in range(60))
    await assert_nothing_personal(SECRETS, services=imported, caplog=sensitive_log, sent=sent_since())


async def test_in_a_village_group_nothing_is_looked_up(imported: Any, app_server: Any, settings: Any, http: Any,
                                                       sensitive_log: Any, sent_since: Any) -> None:
    from bot.wechat_sim import WeChatServerSim

    work = WeChatServerSim(str(app_server.make_url("")).rstrip("/"), settings.wecom_token, settings.wecom_aes_key,
                           settings.wecom_corpid, channel="work")
    r = await work.send(http, "zhangsan", "查补贴", chat_id="wrGroup0001")
    assert r.status == 200 and r.texts and "私聊" in r.texts[0]
    r = await work.send(http, "zhangsan", f"{HU.id_number} {HU.name}", chat_id="wrGroup0001")
    assert r.texts and "私聊" in r.texts[0] and "胡*山" not in r.texts[0]
    assert await SubsidyRecord.all().count() == 3 + 1  # nothing changed, nothing looked up
    from storage.models import SubsidyLookup

    assert await SubsidyLookup.all().count() == 0
    await assert_nothing_personal(SECRETS, services=imported, caplog=sensitive_log, sent=sent_since())
