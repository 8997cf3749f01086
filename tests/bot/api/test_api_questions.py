"""Mini-program follow-up: the office's questions in the case answer, answered and supplemented by receipt or by
number, files added after filing on the timeline; 续报; 谁查过我; which subscribe templates the user accepted."""
from __future__ import annotations

import json
from typing import Any

from bot.fake_wechat import fake_photo
from handlers.cases.questions import ask
from handlers.cases.transitions import transition
from storage.models import Attachment, Case, CaseEvent, OutboxMessage, Status
from tests.bot.api.conftest import HUJIAZHUANG, MiniProgram
from tests.handlers.subsidies.conftest import HU, _delete_subsidy_rows_after, imported  # noqa: F401

QUESTION = "请问是哪一年的低保?扣了多少?"


async def _anonymous_case(user: MiniProgram) -> tuple[Case, str]:
    r = await user.report(village=HUJIAZHUANG, category="subsidy_fraud", anonymous=True)
    assert r.status == 200 and r.body["filed"], r.body
    return await Case.get(number=r.body["case_number"]), r.body["receipt"]


async def test_anonymous_reporter_reads_the_question_and_answers_by_receipt(
        make_user: Any, services: Any) -> None:
    reporter, elsewhere = make_user(), make_user()
    await reporter.login()
    await elsewhere.login()
    case, receipt = await _anonymous_case(reporter)
    asked = await ask(case, QUESTION, actor="staff:2", services=services)

    seen = await elsewhere.post("/api/v1/receipts/lookup", {"receipt": receipt})
    assert seen.status == 200 and seen.body["can_add"] is True
    assert [(q["id"], q["text"]) for q in seen.body["questions"]] == [(asked.id, QUESTION)]

    r = await elsewhere.post("/api/v1/receipts/supplement", {"receipt": receipt, "question": asked.id,
                                                            "text": "2025年的,扣了600元"})
    assert r.status == 200 and r.body["answered"] is True and r.body["case"]["questions"] == []
    assert any(e["text"] == "您的回答:2025年的,扣了600元" for e in r.body["case"]["events"])
    [answer] = await CaseEvent.filter(case_id=case.id, kind="answer")
    assert answer.actor == "reporter" and answer.data == {"question": asked.id, "channel": "miniapp"}

    again = await elsewhere.post("/api/v1/receipts/supplement", {"receipt": receipt, "question": asked.id,
                                                                "text": "再答一次"})
    assert again.status == 409 and again.code == "question_not_open"


async def test_a_photo_added_after_filing_is_on_the_timeline(user: MiniProgram, services: Any) -> None:
    case, receipt = await _anonymous_case(user)
    r = await user.post("/api/v1/receipts/supplement", {"receipt": receipt})
    assert r.status == 200 and r.body["answered"] is False and r.body["upload_token"]
    up = await user.call("POST", "/api/v1/attachments", headers={"X-Upload-Token": r.body["upload_token"]},
                         data={"file": fake_photo()})
    assert up.status == 201, up.body
    [event] = await CaseEvent.filter(case_id=case.id, kind="supplement")
    assert (event.reason, event.data["media"], event.public) == ("补充了照片", "image", True)
    assert await Attachment.filter(case_id=case.id).count() == 1


async def test_a_real_name_reporter_supplements_their_own_case_by_number(make_user: Any, services: Any) -> None:
    owner, stranger = make_user(), make_user()
    await owner.login()
    await stranger.login()
    r = await owner.report(village=HUJIAZHUANG, category="subsidy_fraud", anonymous=False, name="张秀英")
    number = r.body["case_number"]
    added = await owner.post(f"/api/v1/reports/{number}/supplement", {"text": "村会计还改了花名册"})
    assert added.status == 200 and added.body["message"] == "已收到您补充的情况,已转给办理单位。"
    refused = await stranger.post(f"/api/v1/reports/{number}/supplement", {"text": "我也来补充"})
    assert refused.status == 404 and refused.code == "case_not_found"
    assert [e.reason for e in await CaseEvent.filter(kind="supplement")] == ["村会计还改了花名册"]


async def test_a_closed_case_takes_no_supplement_nor_upload(user: MiniProgram, services: Any) -> None:
    case, receipt = await _anonymous_case(user)
    r = await user.post("/api/v1/receipts/supplement", {"receipt": receipt})
    token = r.body["upload_token"]
    await transition(case.id, Status.REJECTED, actor="staff:1", reason="不属于本机关管辖", services=services)
    closed = await user.post("/api/v1/receipts/supplement", {"receipt": receipt, "text": "还有情况"})
    assert closed.status == 409 and closed.code == "case_closed"
    up = await user.call("POST", "/api/v1/attachments", headers={"X-Upload-Token": token}, data={"file": fake_photo()})
    assert up.status == 409 and not await Attachment.filter(case_id=case.id).exists()


async def test_the_office_is_told_of_an_answer_without_the_reporters_openid(user: MiniProgram, services: Any) -> None:
    from bot.fake_wechat import fake_openid
    from storage.models import Role, Staff, StaffBinding

    staff = await Staff.create(username="nanba1", display_name="南坝经办", role=Role.TOWNSHIP_STAFF,
                               scope_code="610798101")
    ident = fake_openid("staff-nanba1")
    await StaffBinding.create(staff=staff, channel="mp", subject_hash=services.cipher.subject_hash("mp", ident),
                              external_enc=services.cipher.seal(ident))
    case, receipt = await _anonymous_case(user)
    asked = await ask(case, QUESTION, actor=f"staff:{staff.id}", services=services)
    before = await OutboxMessage.all().count()
    await user.post("/api/v1/receipts/supplement", {"receipt": receipt, "question": asked.id, "text": "去年的"})
    [told] = await OutboxMessage.all().offset(before)
    assert told.payload["audience"] == "staff" and "举报人回答了您的提问" in told.payload["text"]
    assert "去年的" not in json.dumps(told.payload, ensure_ascii=False)
    assert "code-" not in json.dumps(told.payload) and "fake" not in json.dumps(told.payload)


async def test_a_follow_up_report_names_the_first_case(user: MiniProgram) -> None:
    first, _ = await _anonymous_case(user)
    r = await user.report("胡家庄村的会计收了我500元好处费才肯盖章", village=HUJIAZHUANG, category="bribery_extortion",
                          anonymous=True, follows=first.number.lower())
    assert r.status == 200 and r.body["filed"], r.body
    second = await Case.get(number=r.body["case_number"])
    assert second.source_ref == {"follows": first.number}
    bad = await user.report("胡家庄村的会计收了我500元好处费才肯盖章", village=HUJIAZHUANG, anonymous=True,
                            follows="第一次那件")
    assert bad.status == 422 and "follows" in bad.body["error"]["message"]


async def test_who_looked_me_up_needs_a_lookup_first_then_lists_times(user: MiniProgram, imported: Any) -> None:
    first = await user.get("/api/v1/subsidies/lookups")
    assert first.status == 409 and first.code == "lookup_first"
    person = HU
    found = await user.post("/api/v1/subsidies/lookup", {"id_number": person.id_number, "name": person.name})
    assert found.status == 200 and found.body["outcome"] == "found", found.body
    await user.post("/api/v1/subsidies/lookup", {"id_number": person.id_number, "name": person.name})
    r = await user.get("/api/v1/subsidies/lookups")
    assert r.status == 200 and len(r.body["lookups"]) == 2
    assert [x["by_staff"] for x in r.body["lookups"]] == [False, False]
    assert [x["by"] for x in r.body["lookups"]] == ["通过小程序查询"] * 2
    assert person.id_number not in json.dumps(r.body, ensure_ascii=False)


async def test_subscriptions_record_what_the_user_accepted(make_user: Any, services: Any) -> None:
    user, other = make_user(), make_user()
    await user.login()
    await other.login()
    tpl = services.settings.tpl.reporter_subscribe
    r = await user.get("/api/v1/subscriptions")
    assert r.status == 200 and r.body["templates"] == [
        {"template_id": tpl, "purpose": "reporter_subscribe", "title": "反映办理进度提醒", "status": "unknown"}]
    r = await user.post("/api/v1/subscriptions", {"results": {"errMsg": "requestSubscribeMessage:ok", tpl: "accept"}})
    assert r.status == 200 and r.body["templates"][0]["status"] == "accept"
    r = await user.post("/api/v1/subscriptions", {"results": {tpl: "reject"}})
    assert r.body["templates"][0]["status"] == "reject"
    assert (await other.get("/api/v1/subscriptions")).body["templates"][0]["status"] == "unknown"
    bad = await user.post("/api/v1/subscriptions", {"results": {"SOMEONE-ELSES-TEMPLATE": "accept"}})
    assert bad.status == 422 and bad.code == "unknown_template"
    bad = await user.post("/api/v1/subscriptions", {"results": {tpl: "yes"}})
    assert bad.status == 422 and bad.code == "invalid_request"


async def test_the_new_endpoints_are_in_the_openapi_document(user: MiniProgram) -> None:
    doc = (await user.get("/api/v1/openapi.json", auth=False)).body
    paths = doc["paths"]
    for path, method in (("/api/v1/receipts/supplement", "post"), ("/api/v1/reports/{number}/supplement", "post"),
                         ("/api/v1/subsidies/lookups", "get"), ("/api/v1/subscriptions", "get"),
                         ("/api/v1/subscriptions", "post")):
        assert method in paths[path], path
    schemas = doc["components"]["schemas"]
    assert {"id", "at", "text"} <= set(schemas["QuestionOut"]["properties"])
    assert {"questions", "can_add"} <= set(schemas["CaseOut"]["properties"])
    assert "follows" in schemas["ReportIn"]["properties"]
    assert "409" in paths["/api/v1/receipts/supplement"]["post"]["responses"]


async def test_a_mini_program_reporter_is_told_by_subscribe_message_that_a_question_waits(
        make_user: Any, services: Any, fake_wechat: Any) -> None:
    from bot.fake_wechat import fake_openid
    from handlers.cases.delivery import deliver_due
    from handlers.cases.notify import REPORTER_STATUS
    from tests.bot.api.test_api_subscribe_notifications import FAST

    user = make_user("code-question-reporter")
    await user.login()
    r = await user.report(village=HUJIAZHUANG, category="subsidy_fraud", anonymous=False, name="张秀英")
    case = await Case.get(number=r.body["case_number"])
    tpl = services.settings.tpl.reporter_subscribe
    accepted = await user.post("/api/v1/subscriptions", {"results": {tpl: "accept"}})
    assert accepted.body["templates"][0]["status"] == "accept"
    openid = fake_openid(user.code)
    fake_wechat.state.accept_subscribe(openid, tpl)  # what WeChat itself holds after 允许
    before = len(fake_wechat.records)
    await ask(case, QUESTION, actor="staff:2", services=services)
    await deliver_due(services, FAST)
    [sent] = [x for x in fake_wechat.records[before:] if x.body.get("touser") == openid]
    spec = services.settings.tpl.specs()["reporter_subscribe"]
    [status_key] = [k for k, v in spec.fields.items() if v == "status"]
    assert sent.kind == "subscribe" and sent.body["data"][status_key]["value"] == REPORTER_STATUS["question"]
    assert QUESTION not in json.dumps(sent.body, ensure_ascii=False)  # the question itself waits in the app
