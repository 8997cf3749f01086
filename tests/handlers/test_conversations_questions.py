"""Two-way follow-up as a villager uses it: the office's question seen by receipt and answered, 补充 after filing,
and a lost receipt (what it means, 续报 naming the first case)."""
from __future__ import annotations

from typing import Any

from handlers import supplement as S
from handlers.cases.questions import ask
from handlers.cases.transitions import transition
from storage.models import Attachment, Case, CaseEvent, Status
from tests.handlers.conftest import Villager, all_rows, confirmed
from tests.handlers.test_conversations_followup import file_real_name
from tests.handlers.test_conversations_report import file_anonymous, receipt_in

QUESTION = "您说的低保被扣,是哪一年哪几个月的?"


async def test_anonymous_reporter_sees_the_question_by_receipt_and_answers_it(make_villager: Any, services: Any) -> None:
    reporter, elsewhere = make_villager(), make_villager()
    receipt = receipt_in(await file_anonymous(reporter))
    case = await Case.get()
    asked = await ask(case, QUESTION, actor="staff:3", services=services)

    shown = await elsewhere.one(f"查询进度 {receipt}")  # another phone: only the receipt matters
    assert QUESTION in shown and "请直接回复您的回答" in shown
    assert await elsewhere.one("2025年3月到6月,每个月少了200元") == S.ANSWERED
    assert await elsewhere.one("好了") == S.DONE

    [answer] = await CaseEvent.filter(case_id=case.id, kind="answer")
    assert answer.actor == "reporter" and answer.data["question"] == asked.id and answer.public
    assert answer.reason == "2025年3月到6月,每个月少了200元"
    assert elsewhere.openid not in repr(answer.data) and reporter.openid not in "".join(await all_rows())
    again = await elsewhere.one(f"查询进度 {receipt}")
    assert "您的回答:2025年3月到6月" in again and "请直接回复您的回答" not in again  # answered: not asked again


async def test_a_real_name_reporter_answers_by_case_number(villager: Villager, services: Any) -> None:
    await file_real_name(villager)
    case = await Case.get()
    await ask(case, QUESTION, actor="staff:3", services=services)
    shown = await villager.one(f"查询进度 {case.number}")
    assert QUESTION in shown
    assert "(办理单位有问题等您回答)" in await villager.one("我的举报")
    await villager.one(f"查询进度 {case.number}")
    assert await villager.one("去年的,扣了三个月") == S.ANSWERED
    assert "等您回答" not in await villager.one("我的举报")
    assert await CaseEvent.filter(case_id=case.id, kind="answer").count() == 1


async def test_another_flows_word_is_not_taken_as_the_answer(make_villager: Any, services: Any) -> None:
    reporter = make_villager()
    receipt = receipt_in(await file_anonymous(reporter))
    case = await Case.get()
    await ask(case, QUESTION, actor="staff:3", services=services)
    await reporter.one(f"查询进度 {receipt}")
    assert "身份证" in "".join(await reporter.say("查补贴"))  # the subsidy flow answers, the word is no answer
    assert not await CaseEvent.filter(case_id=case.id, kind__in=("answer", "supplement")).exists()


async def test_supplement_by_receipt_takes_text_and_a_photo_after_filing(make_villager: Any, services: Any) -> None:
    reporter = make_villager()
    receipt = receipt_in(await file_anonymous(reporter))
    case = await Case.get()
    assert await reporter.one(f"补充 {receipt}") == S.READY
    assert await reporter.one("他还让会计把名单改了") == S.ADDED
    assert await reporter.one(kind="image", media_id="media-photo-1") == S.ADDED
    assert await reporter.one("好了") == S.DONE
    await services.drain()
    events = await CaseEvent.filter(case_id=case.id, kind="supplement").order_by("id")
    assert [(e.reason, e.actor, e.public) for e in events] == [
        ("他还让会计把名单改了", "reporter", True), ("补充了照片", "reporter", True)]
    assert [a.kind for a in await Attachment.filter(case_id=case.id)] == ["image"]
    shown = await reporter.one(f"查询进度 {receipt}")
    assert "您补充的情况:他还让会计把名单改了" in shown and "回复【补充 回执码】" in shown


async def test_supplement_asks_for_the_receipt_and_keeps_the_text_typed_with_it(make_villager: Any, services: Any) -> None:
    reporter = make_villager()
    receipt = receipt_in(await file_anonymous(reporter))
    assert await reporter.one("补充 村里的公示栏上没有这一户") == S.ASK_WHICH
    assert await reporter.one(receipt) == S.ADDED
    [event] = await CaseEvent.filter(kind="supplement")
    assert event.reason == "村里的公示栏上没有这一户"


async def test_supplement_of_a_closed_case_is_refused_plainly(make_villager: Any, services: Any) -> None:
    reporter = make_villager()
    receipt = receipt_in(await file_anonymous(reporter))
    case = await Case.get()
    await transition(case.id, Status.REJECTED, actor="staff:1", reason="不属于本机关管辖", services=services)
    assert await reporter.one(f"补充 {receipt}") == S.CLOSED
    assert await reporter.one("补充 QF2026999999") == S.NOT_FOUND  # a number not this account's: same as none


async def test_lost_receipt_is_explained_and_a_follow_up_names_the_first_case(make_villager: Any, services: Any) -> None:
    first_reporter = make_villager()
    await file_anonymous(first_reporter)
    first = await Case.get()
    lost = await first_reporter.one("回执码丢了")
    assert lost == S.LOST and "无法找回" in lost and "照常办理" in lost and "查不到办理进度" in lost
    started = await first_reporter.one(f"续报 {first.number}")
    assert first.number in started and "续报" in started
    await first_reporter.one("胡家庄村的村支书又把我家低保扣了")
    await first_reporter.one("好了")
    await confirmed(first_reporter)
    filed = await first_reporter.one("2")
    assert "回执码" in filed
    second = await Case.exclude(id=first.id).get()
    assert second.source_ref == {"follows": first.number}
    assert second.anonymous


async def test_a_lost_receipt_is_understood_however_it_is_said(villager: Villager) -> None:
    for said in ("回执丢了", "我的回执码忘记了怎么办?", "找不到回执码了", "没记下回执码"):
        assert await villager.one(said) == S.LOST, said


async def test_follow_up_without_a_number_says_how(villager: Villager) -> None:
    assert await villager.one("续报") == S.FOLLOW_UP_NEEDS_NUMBER
