"""A mini-program report and a chat report of the same incident: one lifecycle, one view through both channels."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from handlers.cases.queries import CaseView, PublicEvent
from handlers.cases.transitions import transition
from handlers.followup import render
from handlers.rating import ASK, THANKS
from storage.models import Case, CaseEvent, Status
from tests.bot.api.conftest import HUJIAZHUANG, MiniProgram
from tests.handlers.conftest import Villager
from tests.handlers.test_conversations_report import LOW_INCOME, file_anonymous, receipt_in

SAME_INCIDENT = "胡家庄村支书把我家的低保扣了,说是村里统一扣的"


def view_from_api(body: dict[str, Any]) -> CaseView:
    return CaseView(number=body["number"], status=body["status"], status_text=body["status_text"],
                    category=body["category"], office=body["office"],
                    deadline=date.fromisoformat(body["deadline"]) if body["deadline"] else None,
                    events=[PublicEvent(datetime.fromisoformat(e["at"]), e["text"]) for e in body["events"]],
                    rating=body["rating"], can_rate=body["can_rate"])


async def _staff_work(case_id: int, services: Any) -> None:
    await transition(case_id, Status.ACCEPTED, actor="staff:1", reason="已安排核查", services=services)
    await transition(case_id, Status.INVESTIGATING, actor="staff:1", services=services)
    await transition(case_id, Status.RESOLVED, actor="staff:1", reason="已责令补发低保金", services=services)


async def _timeline(case_id: int) -> list[tuple[str, str, str, bool]]:
    events = await CaseEvent.filter(case_id=case_id).order_by("at", "id")
    return [(e.kind, e.from_status, e.to_status, e.public) for e in events]


async def test_chat_and_miniprogram_reports_share_lifecycle_and_view(
        villager: Villager, user: MiniProgram, services: Any) -> None:
    chat_receipt = receipt_in(await file_anonymous(villager, LOW_INCOME))
    chat_case = await Case.get()
    # The chat's open case of the same village and category is offered to the mini-program first.
    offer = await user.report(SAME_INCIDENT, village=HUJIAZHUANG, category="subsidy_fraud")
    assert offer.body["filed"] is False and offer.body["similar_found"] and chat_case.number not in repr(offer.body)
    filed = (await user.report(SAME_INCIDENT, village=HUJIAZHUANG, category="subsidy_fraud",
                               ignore_similar=True)).body
    mini_case = await Case.get(number=filed["case_number"])
    assert (chat_case.channel, mini_case.channel) == ("mp", "miniapp")
    assert (mini_case.route_to, mini_case.office) == (chat_case.route_to, chat_case.office)

    for case in (chat_case, mini_case):
        await _staff_work(case.id, services)
    assert await _timeline(chat_case.id) == await _timeline(mini_case.id)

    # Each case reads the same in the chat and in the mini-program, whichever channel filed it.
    for receipt in (chat_receipt, filed["receipt"]):
        api = await user.post("/api/v1/receipts/lookup", {"receipt": receipt})
        assert api.body["status"] == "resolved" and api.body["can_rate"] is True
        chat = await villager.one(f"查询进度 {receipt}")
        assert chat == render(view_from_api(api.body)) + "\n\n" + ASK
        await villager.say("取消")

    # Rated in its own channel, each goes to `rated` with the same event.
    assert await villager.one(f"查询进度 {chat_receipt}") != ""
    assert await villager.one("1") == THANKS
    rated = await user.post("/api/v1/receipts/rating", {"receipt": filed["receipt"], "satisfied": True})
    assert rated.status == 200
    assert await _timeline(chat_case.id) == await _timeline(mini_case.id)
    for receipt in (chat_receipt, filed["receipt"]):
        api = (await user.post("/api/v1/receipts/lookup", {"receipt": receipt})).body
        assert (api["status"], api["rating"], api["can_rate"]) == ("rated", "satisfied", False)
    chat_view = await villager.one(f"查询进度 {filed['receipt']}")
    assert "您的评价:满意" in chat_view and "已办结,您已评价" in chat_view
