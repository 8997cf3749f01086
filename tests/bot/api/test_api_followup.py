"""Following up from the mini-program: my reports, by number (own only), by receipt, rating."""
from __future__ import annotations

from typing import Any

from handlers.cases.transitions import transition
from storage.models import Case, CaseEvent, Status
from tests.bot.api.conftest import HUJIAZHUANG, MiniProgram


async def _resolve(case_id: int, services: Any) -> None:
    await transition(case_id, Status.ACCEPTED, actor="staff:1", services=services)
    await transition(case_id, Status.RESOLVED, actor="staff:1", reason="已责令退还低保金", services=services)


async def test_my_reports_lists_only_my_named_reports(make_user: Any) -> None:
    me, other = make_user(), make_user()
    await me.login()
    await other.login()
    named = (await me.report(village=HUJIAZHUANG, anonymous=False, name="李四")).body["case_number"]
    await me.report("村会计把集体鱼塘的承包费装进了自己口袋", village=HUJIAZHUANG, anonymous=True)
    await other.report("村里修路的工程偷工减料,路面一个月就裂了", village=HUJIAZHUANG, anonymous=False, name="赵六")
    mine = await me.get("/api/v1/reports")
    assert [r["number"] for r in mine.body["reports"]] == [named]
    assert mine.body["reports"][0]["status_text"] == "已收到,等待受理"


async def test_case_by_number_only_for_its_named_reporter(make_user: Any) -> None:
    me, other = make_user(), make_user()
    await me.login()
    await other.login()
    number = (await me.report(village=HUJIAZHUANG, anonymous=False, name="李四")).body["case_number"]
    r = await me.get(f"/api/v1/reports/{number}")
    assert r.status == 200 and r.body["number"] == number and r.body["office"] == "南坝镇纪委"
    assert r.body["events"][0]["text"] == "收到您的反映"
    theirs = await other.get(f"/api/v1/reports/{number}")
    nothing = await other.get("/api/v1/reports/QF2099999999")
    assert (theirs.status, theirs.code) == (nothing.status, nothing.code) == (404, "case_not_found")
    assert theirs.body == nothing.body  # the same answer whether or not the case exists


async def test_receipt_lookup_finds_an_anonymous_case(make_user: Any, services: Any) -> None:
    me, stranger = make_user(), make_user()
    await me.login()
    await stranger.login()
    filed = (await me.report(village=HUJIAZHUANG)).body
    case = await Case.get(number=filed["case_number"])
    await transition(case.id, Status.ACCEPTED, actor="staff:1", reason="已安排核查", services=services)
    r = await stranger.post("/api/v1/receipts/lookup", {"receipt": filed["receipt"]})  # with the spaces
    assert r.status == 200 and r.body["status"] == "accepted"
    assert [e["text"] for e in r.body["events"]] == ["收到您的反映", "已受理:已安排核查"]
    wrong = await me.post("/api/v1/receipts/lookup", {"receipt": "1234 5678 1234 5678"})
    assert (wrong.status, wrong.code) == (404, "receipt_not_found")


async def test_receipt_lookups_are_limited_per_session(user: MiniProgram, api_config: Any) -> None:
    guesses = [(await user.post("/api/v1/receipts/lookup", {"receipt": f"{i:016d}"})).code
               for i in range(api_config.receipt_per_hour + 1)]
    assert guesses[:-1] == ["receipt_not_found"] * api_config.receipt_per_hour
    assert guesses[-1] == "rate_limited"


async def test_rating_own_case_after_it_is_resolved(user: MiniProgram, services: Any) -> None:
    number = (await user.report(village=HUJIAZHUANG, anonymous=False, name="李四")).body["case_number"]
    early = await user.post(f"/api/v1/reports/{number}/rating", {"satisfied": True})
    assert (early.status, early.code) == (409, "cannot_rate")
    case = await Case.get(number=number)
    await _resolve(case.id, services)
    assert (await user.get(f"/api/v1/reports/{number}")).body["can_rate"] is True
    r = await user.post(f"/api/v1/reports/{number}/rating", {"satisfied": True})
    assert r.status == 200 and r.body["status"] == "rated" and r.body["rating"] == "satisfied"
    assert r.body["can_rate"] is False
    twice = await user.post(f"/api/v1/reports/{number}/rating", {"satisfied": False})
    assert twice.code == "cannot_rate"
    event = await CaseEvent.get(case_id=case.id, kind="rated")
    assert event.actor == "reporter" and event.data == {"rating": "satisfied"}


async def test_rating_by_receipt_unsatisfied_with_reason(user: MiniProgram, services: Any) -> None:
    filed = (await user.report(village=HUJIAZHUANG)).body
    case = await Case.get(number=filed["case_number"])
    await _resolve(case.id, services)
    r = await user.post("/api/v1/receipts/rating",
                        {"receipt": filed["receipt"], "satisfied": False, "reason": "钱还是没退"})
    assert r.status == 200 and r.body["rating"] == "unsatisfied"
    case = await Case.get(id=case.id)
    assert case.rating == "unsatisfied" and case.rating_reason == "钱还是没退"
    bad = await user.post("/api/v1/receipts/rating", {"receipt": "0000000000000000", "satisfied": True})
    assert bad.code == "receipt_not_found"
    wrong_type = await user.post("/api/v1/receipts/rating", {"receipt": filed["receipt"], "satisfied": "yes"})
    assert (wrong_type.status, wrong_type.code) == (422, "invalid_request")
