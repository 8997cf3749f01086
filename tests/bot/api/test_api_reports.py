"""Filing from the mini-program: pickers or nlp, 实名/匿名, phone checks, similar cases offered first, 附议."""
from __future__ import annotations

import re
from typing import Any

from bot.fake_wechat import fake_openid
from storage.receipts import hash_receipt
from handlers.cases.transitions import transition
from storage.models import Case, CaseEvent, ReporterIdentity, Status
from tests.bot.api.conftest import DONGLING_SHIQIAO, HUJIAZHUANG, LOW_INCOME, NANBA, MiniProgram
from tests.handlers.conftest import all_redis, all_rows

FAVOURS = "东岭镇石桥村的主任把低保名额都给了他自己的亲戚,真正困难的人家评不上"


async def test_anonymous_report_from_pickers_is_filed_with_number_and_receipt_once(
        user: MiniProgram, services: Any, sensitive_log: Any) -> None:
    r = await user.report(category="subsidy_fraud", village=HUJIAZHUANG, anonymous=True)
    assert r.status == 200 and r.body["filed"] is True, r.body
    case = await Case.get()
    assert r.body["case_number"] == case.number and case.number in r.body["message"]
    receipt = r.body["receipt"].replace(" ", "")
    assert re.fullmatch(r"\d{16}", receipt)
    assert case.receipt_hash == await hash_receipt(receipt)  # argon2id, no key
    assert (case.channel, case.category, case.village_id, case.township_id, case.route_to, case.anonymous) == \
        ("miniapp", "subsidy_fraud", HUJIAZHUANG, NANBA, NANBA, True)
    assert (r.body["status"], r.body["office"], r.body["accepted"]) == ("received", "南坝镇纪委", True)
    assert await ReporterIdentity.all().count() == 0
    # The openid and the receipt are nowhere: not in a row, not in Redis, not in a log line.
    openid = fake_openid(user.code)
    stored = "\n".join(await all_rows()) + repr(await all_redis(services))
    assert openid not in stored and receipt not in stored
    assert openid not in sensitive_log.text and receipt not in sensitive_log.text
    # Shown once: the follow-up answers never carry it again.
    again = await user.post("/api/v1/receipts/lookup", {"receipt": receipt})
    assert again.status == 200 and receipt not in repr(again.body) and "receipt" not in again.body


async def test_category_and_place_left_out_are_found_by_nlp(user: MiniProgram) -> None:
    r = await user.report("石桥村的村主任把低保名额给了自己的亲戚,东岭镇的", anonymous=True)
    assert r.body["filed"], r.body
    case = await Case.get()
    assert case.category == "favoritism" and case.village_id == DONGLING_SHIQIAO
    assert r.body["category_name"] == "优亲厚友"


async def test_named_report_keeps_identity_sealed_apart(user: MiniProgram, services: Any, sensitive_log: Any) -> None:
    r = await user.report(village=HUJIAZHUANG, anonymous=False, name="王小明", phone="+86 138-0013-8000")
    assert r.body["filed"], r.body
    case = await Case.get()
    ident = await ReporterIdentity.get(case=case)
    c = services.cipher
    assert c.open(ident.openid_enc) == fake_openid(user.code) and ident.channel == "miniapp"
    assert c.open(ident.name_enc) == "王小明" and c.open(ident.phone_enc) == "13800138000"
    stored = "\n".join(await all_rows()) + repr(await all_redis(services))
    for secret in ("王小明", "13800138000", fake_openid(user.code)):
        assert secret not in stored and secret not in sensitive_log.text
    mine = await user.get("/api/v1/reports")
    assert [x["number"] for x in mine.body["reports"]] == [case.number]


async def test_anonymous_report_drops_name_and_phone_it_was_sent(user: MiniProgram) -> None:
    r = await user.report(village=HUJIAZHUANG, anonymous=True, name="王小明", phone="13800138000")
    assert r.body["filed"]
    assert await ReporterIdentity.all().count() == 0
    assert "王小明" not in "\n".join(await all_rows())


async def test_report_mistakes_are_422_with_their_own_codes(user: MiniProgram) -> None:
    cases = [
        ({"anonymous": False}, "name_required"),
        ({"anonymous": False, "name": "王", "phone": "12345"}, "invalid_phone"),
        ({"anonymous": False, "name": "王", "phone": "2380013800"}, "invalid_phone"),
        ({"category": "lottery"}, "unknown_category"),
        ({"village": "999999999999"}, "unknown_place"),
        ({"township": "999"}, "unknown_place"),
        ({"village": HUJIAZHUANG, "township": "610798102"}, "unknown_place"),  # village not in that township
        ({"anonymous": "yes"}, "invalid_request"),
    ]
    for fields, code in cases:
        r = await user.report(**fields)
        assert (r.status, r.code) == (422, code), (fields, r.body)
    r = await user.report("太短")
    assert (r.status, r.code) == (422, "invalid_request")
    r = await user.report("  短  ")  # long enough only with its spaces
    assert (r.status, r.code) == (422, "text_too_short")
    assert await Case.all().count() == 0


async def test_out_of_remit_report_is_kept_and_points_elsewhere(user: MiniProgram) -> None:
    r = await user.report("隔壁邻居家的狗天天晚上叫,吵得睡不着觉", category="other")
    assert r.body["filed"] and r.body["accepted"] is False and "12345" in r.body["message"]
    assert (await Case.get()).status == Status.NOT_ACCEPTED


async def test_similar_open_case_of_the_village_is_offered_before_filing(make_user: Any) -> None:
    first, second = make_user(), make_user()
    await first.login()
    await second.login()
    filed = await first.report(FAVOURS, village=DONGLING_SHIQIAO, category="favoritism")
    number = filed.body["case_number"]
    offer = await second.report("石桥村主任把低保名额给了他自己的亲戚,困难的人家反而评不上", village=DONGLING_SHIQIAO,
                                category="favoritism")
    assert offer.status == 200 and offer.body["filed"] is False and offer.body["similar_found"] is True
    # issue 20 item 8: nothing about another villager's case, not even its number
    assert offer.body["similar"] == [] and number not in repr(offer.body) and "亲戚" not in repr(offer.body)
    assert await Case.all().count() == 1
    # The same text about another village is not similar.
    elsewhere = await second.report("胡家庄村主任把低保名额给了他自己的亲戚,困难的人家反而评不上",
                                    village=HUJIAZHUANG, category="favoritism")
    assert elsewhere.body["filed"] is True


async def test_following_a_similar_case_raises_its_priority_once(make_user: Any) -> None:
    first, second = make_user(), make_user()
    await first.login()
    await second.login()
    number = (await first.report(FAVOURS, village=DONGLING_SHIQIAO)).body["case_number"]
    r = await second.post("/api/v1/reports/follow", {"number": number})
    assert r.status == 200 and r.body["case"]["number"] == number and number in r.body["message"]
    case = await Case.get(number=number)
    assert case.priority == 1
    event = await CaseEvent.get(case=case, kind="followed")
    assert event.actor == "reporter" and not event.public
    again = await second.post("/api/v1/reports/follow", {"number": number})
    assert (again.status, again.code) == (409, "already_followed")
    assert (await Case.get(number=number)).priority == 1
    assert (await second.post("/api/v1/reports/follow", {"number": "QF2099999999"})).code == "case_not_found"


async def test_closed_cases_are_neither_offered_nor_followed(make_user: Any, services: Any) -> None:
    first, second = make_user(), make_user()
    await first.login()
    await second.login()
    number = (await first.report(FAVOURS, village=DONGLING_SHIQIAO)).body["case_number"]
    case = await Case.get(number=number)
    await transition(case.id, Status.REJECTED, actor="staff:1", reason="查无实据", services=services)
    r = await second.report(FAVOURS, village=DONGLING_SHIQIAO)
    assert r.body["filed"] is True
    follow = await second.post("/api/v1/reports/follow", {"number": number})
    assert (follow.status, follow.code) == (409, "case_closed")


async def test_ignore_similar_files_anyway(make_user: Any) -> None:
    first, second = make_user(), make_user()
    await first.login()
    await second.login()
    await first.report(FAVOURS, village=DONGLING_SHIQIAO)
    r = await second.report(FAVOURS, village=DONGLING_SHIQIAO, ignore_similar=True)
    assert r.body["filed"] is True and await Case.all().count() == 2


async def test_township_picked_and_village_named_in_text_are_combined(user: MiniProgram) -> None:
    r = await user.report(LOW_INCOME, township=NANBA)
    assert r.body["filed"]
    assert (await Case.get()).village_id == HUJIAZHUANG
    r = await user.report("石桥村的会计把集体鱼塘承包费装进了自己口袋", township="610798102")
    case = await Case.get(number=r.body["case_number"])
    assert (case.township_id, case.village_id) == ("610798102", DONGLING_SHIQIAO)


async def test_nul_and_lone_surrogates_in_text_do_not_break_filing(user: MiniProgram) -> None:
    """Found by the schemathesis run on PostgreSQL: JSON may carry \\u0000 and lone surrogates, a text column cannot."""
    raw = '{"text": "胡家庄村支书\\u0000扣了我家低保\\ud800钱", "category": "subsidy_fraud", "anonymous": true}'
    r = await user.post("/api/v1/reports", None, data=raw.encode(), headers={"Content-Type": "application/json"})
    assert r.status == 200 and r.body["filed"], r.body
    assert (await Case.get()).text == "胡家庄村支书扣了我家低保\ufffd钱"
    number = r.body["case_number"]
    rating = await user.post("/api/v1/receipts/rating", None, headers={"Content-Type": "application/json"},
                             data=('{"receipt": "%s", "satisfied": false, "reason": "\\u0000\\udfff"}'
                                   % r.body["receipt"]).encode())
    assert (rating.status, rating.code) == (409, "cannot_rate")  # refused for its status, not a crash
    r = await user.get("/open311/v2/requests.json?service_code=%00")  # a NUL alone is no filter at all
    assert r.status == 200 and [x["service_request_id"] for x in r.body] == [number]


async def test_reporter_cannot_follow_their_own_report(make_user: Any) -> None:
    """Issue 17: 附议 of one's own report would count the reporter twice; 匿名 or 实名, it is refused in Chinese."""
    me, neighbour = make_user(), make_user()
    await me.login()
    await neighbour.login()
    number = (await me.report(FAVOURS, village=DONGLING_SHIQIAO, category="favoritism")).body["case_number"]
    own = await me.post("/api/v1/reports/follow", {"number": number})
    assert (own.status, own.code) == (409, "own_report") and "本人" in own.body["error"]["message"]
    assert (await Case.get(number=number)).priority == 0
    # telling it again is not offered as someone else's similar case to 附议: it is filed, and does not cluster
    again = await me.report("石桥村主任把低保名额给了他自己的亲戚,困难的人家反而评不上", village=DONGLING_SHIQIAO,
                            category="favoritism")
    assert again.body["filed"] is True and again.body.get("follow_token") is None
    assert (await Case.get(number=again.body["case_number"])).linked_to_id is None
    # a neighbour may
    ok = await neighbour.post("/api/v1/reports/follow", {"number": number})
    assert ok.status == 200 and (await Case.get(number=number)).priority == 1
