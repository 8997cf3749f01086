"""Issue 17: one villager disputing two different payments is two questions, not 意见集中 (no link, no priority)."""
from __future__ import annotations

from typing import Any

from bot.fake_wechat import fake_openid
from handlers.subsidies.actions import file_dispute
from storage.models import Case, CaseEvent, SubsidyRecord


async def test_one_persons_disputes_about_two_payments_are_not_clustered(imported: Any) -> None:
    services = imported
    low_income = await SubsidyRecord.get(program="农村低保")
    land = await SubsidyRecord.get(program="耕地地力保护补贴")
    villager = fake_openid("dispute-hu")
    a = (await file_dispute(low_income.id, "not_received", channel="mp", openid=villager, services=services)).case
    b = (await file_dispute(land.id, "not_received", channel="mp", openid=villager, services=services)).case
    for case in (a, b):
        fresh = await Case.get(id=case.id)
        assert fresh.linked_to_id is None and fresh.priority == 0
    assert not await CaseEvent.filter(kind="linked").exists()
    # the same person's record disputed again from another account (a relative's phone): still one person
    again = (await file_dispute(low_income.id, "wrong_amount", channel="mp", openid=fake_openid("dispute-hu-son"),
                                services=services)).case
    assert (await Case.get(id=again.id)).linked_to_id is None and (await Case.get(id=a.id)).priority == 0
