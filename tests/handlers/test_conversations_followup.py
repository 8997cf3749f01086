"""查询进度, 评价 and 我的举报 as a villager uses them: by receipt from anywhere, by number from the same account."""
from __future__ import annotations

from typing import Any

from handlers import followup as F
from handlers import rating as R
from handlers.cases.transitions import transition
from handlers.myreports import NONE as NO_REPORTS
from storage.models import Case, CaseEvent, Status
from tests.handlers.conftest import Villager, confirmed
from tests.handlers.test_conversations_report import LOW_INCOME, file_anonymous, receipt_in


async def file_real_name(v: Villager) -> str:
    await v.one("举报")
    await v.one(LOW_INCOME)
    await v.one("好了")
    await confirmed(v)
    await v.one("1")
    await v.one("跳过")  # no name
    return await v.one("跳过")  # no phone


async def resolve(case: Case, services: Any) -> None:
    await transition(case.id, Status.ACCEPTED, actor="staff:1", reason="已立案核查", services=services)
    await transition(case.id, Status.RESOLVED, actor="staff:1", reason="经核实,已责令退还克扣的低保金", services=services)


async def test_receipt_shows_progress_from_another_account(make_villager: Any, services: Any) -> None:
    reporter, elsewhere = make_villager(), make_villager()
    receipt = receipt_in(await file_anonymous(reporter))
    case = await Case.get()
    await transition(case.id, Status.ACCEPTED, actor="staff:7", reason="已受理,正在核查", services=services)
    shown = await elsewhere.one(f"查询进度 {receipt}")
    assert case.number in shown and "已受理,正在安排核查" in shown
    assert "办理单位:南坝镇纪委" in shown and "staff" not in shown
    assert "已受理:已受理,正在核查" in shown and "收到您的反映" in shown


async def test_progress_asks_then_takes_a_spaced_receipt(make_villager: Any) -> None:
    reporter, other = make_villager(), make_villager()
    receipt = receipt_in(await file_anonymous(reporter))
    assert await other.one("查询进度") == F.ASK
    spaced = " ".join(receipt[i:i + 4] for i in range(0, 16, 4))
    assert "状态:已收到,等待受理" in await other.one(spaced)


async def test_wrong_receipt_is_refused_plainly(villager: Villager) -> None:
    await file_anonymous(villager)
    answer = await villager.one("查询进度 1111 2222 3333 4444")
    assert answer == F.WRONG_RECEIPT.format(n=F.RECEIPT_LOOKUPS_PER_HOUR)


async def test_receipt_lookups_rate_limited_per_sender(make_villager: Any) -> None:
    reporter, guesser = make_villager(), make_villager()
    receipt = receipt_in(await file_anonymous(reporter))
    for i in range(F.RECEIPT_LOOKUPS_PER_HOUR):
        assert "没有找到" in await guesser.one(f"查询进度 {1000_0000_0000_0000 + i}")
    assert await guesser.one(f"查询进度 {receipt}") == F.TOO_MANY  # even the right one, once over the limit
    assert "状态:" in await reporter.one(f"查询进度 {receipt}")  # another sender is not affected


async def test_case_number_works_only_for_the_real_name_reporter(make_villager: Any) -> None:
    reporter, other = make_villager(), make_villager()
    await file_real_name(reporter)
    case = await Case.get()
    assert "状态:已收到" in await reporter.one(f"查询进度 {case.number}")
    assert await other.one(f"查询进度 {case.number}") == F.NOT_YOURS
    assert "状态:已收到" in await reporter.one(case.number.lower())  # a bare number outside any flow


async def test_anonymous_case_cannot_be_found_by_number(villager: Villager) -> None:
    await file_anonymous(villager)
    case = await Case.get()
    assert await villager.one(f"查询进度 {case.number}") == F.NOT_YOURS


async def test_unsatisfied_rating_after_receipt_lookup_is_stored(villager: Villager, services: Any) -> None:
    receipt = receipt_in(await file_anonymous(villager))
    case = await Case.get()
    await resolve(case, services)
    shown = await villager.one(f"查询进度 {receipt}")
    assert "已办结" in shown and "已责令退还" in shown and shown.endswith(R.ASK)
    assert await villager.one("2") == R.ASK_REASON
    assert await villager.one("钱还是没退") == R.REOPENED
    await case.refresh_from_db()
    assert (case.rating, case.rating_reason) == ("unsatisfied", "钱还是没退")
    event = await CaseEvent.get(case_id=case.id, kind="rated")
    assert event.actor == "reporter" and event.from_status == "resolved"


async def test_satisfied_typed_by_real_name_reporter(villager: Villager, services: Any) -> None:
    await file_real_name(villager)
    case = await Case.get()
    assert await villager.one("满意") == R.NOT_FOUND  # nothing resolved yet
    await resolve(case, services)
    assert await villager.one("满意") == R.THANKS
    await case.refresh_from_db()
    assert case.status == Status.RATED and case.rating == "satisfied"
    assert "您的评价:满意" in await villager.one(f"查询进度 {case.number}")


async def test_rating_an_unresolved_case_is_refused(villager: Villager) -> None:
    await file_real_name(villager)
    case = await Case.get()
    assert await villager.one(f"评价 {case.number}") == R.CANNOT
    assert (await Case.get()).status == Status.RECEIVED


async def test_my_reports_lists_only_real_name_cases_of_this_account(make_villager: Any) -> None:
    a, b = make_villager(), make_villager()
    await file_real_name(a)
    await file_anonymous(a, "胡家庄村的会计把集体鱼塘的承包费揣进了自己腰包")  # another matter: a new case
    assert await b.one("我的举报") == NO_REPORTS
    listing = await a.one("我的举报")
    numbers = [c.number for c in await Case.all().order_by("id")]
    assert numbers[0] in listing and numbers[1] not in listing
