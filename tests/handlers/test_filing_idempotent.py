"""A report is filed once per conversation draft, whatever the timing (issue 14 items 2 and 6)."""
from __future__ import annotations

import asyncio
from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.dispatch import dispatcher as dispatcher_module
from bot.dispatch.state import ConversationState
from handlers import report_again, report_texts as T
from handlers.cases import filing
from storage.models import Case, OutboxMessage
from tests.handlers.conftest import Villager, confirmed
from tests.handlers.test_conversations_report import LOW_INCOME, receipt_in


async def _to_identity(v: Villager) -> None:
    assert await v.one("举报") == T.START
    assert await v.one(LOW_INCOME) == T.MORE
    assert (await v.one("好了")).startswith("您反映的是")
    assert await confirmed(v) == T.ASK_IDENTITY


async def test_a_filing_outlasting_the_conversation_lock_files_once(villager: Villager, services: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    await _to_identity(villager)
    monkeypatch.setattr(dispatcher_module, "LOCK_TTL_MS", 200)  # the lock lapses while the filing still runs

    async def slow_database(case: Any, conn: Any, services: Any) -> None:
        await asyncio.sleep(1.0)

    monkeypatch.setattr(filing, "AFTER_FILED", [*filing.AFTER_FILED, slow_database])

    async def again_later() -> str:
        await asyncio.sleep(0.5)  # the villager, seeing no answer, types it again: a new MsgId
        return await villager.one("2")

    first, second = await asyncio.gather(villager.one("2"), again_later())
    cases = await Case.all()
    assert len(cases) == 1, "one report, one case"
    assert cases[0].number in first and cases[0].number in second
    assert receipt_in(first) == receipt_in(second), "the same receipt both times"
    await services.drain()
    staff_rows = await OutboxMessage.filter(case_id=cases[0].id).count()
    assert staff_rows == len({(m.recipient_enc, m.kind) for m in await OutboxMessage.all()}), "notified once"


async def test_redis_failing_after_the_commit_still_gives_the_receipt_and_a_retry_the_same_case(
        villager: Villager, services: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    await _to_identity(villager)
    real_clear = ConversationState.clear
    calls = {"n": 0}

    async def clear_fails_once(self: ConversationState) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RedisConnectionError("Redis went away")
        await real_clear(self)

    monkeypatch.setattr(ConversationState, "clear", clear_fails_once)
    done = await villager.one("2")
    case = await Case.get()
    assert case.number in done and receipt_in(done), "the receipt, not an apology"
    again = await villager.one("2")  # the conversation was not cleared: the villager sends it again
    assert await Case.all().count() == 1
    assert case.number in again and receipt_in(again) == receipt_in(done)


async def test_a_filing_answer_that_never_arrived_typed_again_is_shown_again_not_filed_twice(
        villager: Villager, services: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The chaos run's duplicates: the answer to 2 went late into the outbox while WeChat (or the worker)
    was down, the villager typed 2 again, met 没太明白 and started the same report over."""
    await _to_identity(villager)
    monkeypatch.setattr(services, "settings", services.settings.with_(reply_deadline_s=0.3))

    async def slow_database(case: Any, conn: Any, services: Any) -> None:
        await asyncio.sleep(1.0)

    monkeypatch.setattr(filing, "AFTER_FILED", [*filing.AFTER_FILED, slow_database])
    late = await villager.raw("2")
    assert late.texts == [], "no passive reply: the receipt waits in the outbox, which nothing sends now"
    await services.drain()
    case = await Case.get()
    again = await villager.one("2")  # the villager saw nothing and types it again
    assert again.startswith(report_again.ALREADY), again
    assert case.number in again and receipt_in(again), "the case number and receipt the first answer carried"
    assert await villager.one("2") == again, "as often as it is typed, within the flow's idle time"
    assert await Case.all().count() == 1
    assert "没太明白" not in await villager.one("帮助")


async def test_the_same_description_typed_again_is_kept_once(villager: Villager, services: Any) -> None:
    assert await villager.one("举报") == T.START
    assert await villager.one(LOW_INCOME) == T.MORE
    assert await villager.one(LOW_INCOME) == T.MORE  # its answer came late: the villager sent it again
    assert (await villager.one("好了")).startswith("您反映的是")
    assert await confirmed(villager) == T.ASK_IDENTITY
    await villager.one("2")
    assert (await Case.get()).text == LOW_INCOME


async def test_a_villager_who_starts_the_same_report_over_gets_the_first_case_not_a_second(
        villager: Villager, services: Any) -> None:
    """However the answer was lost (a reply too late while WeChat was down, a lock lapsed under load), a
    villager who files the same description again right after gets the first filing's answer."""
    await _to_identity(villager)
    first = await villager.one("2")
    case = await Case.get()
    await _to_identity(villager)  # 举报 again, the same words
    again = await villager.one("2")
    assert again.startswith(report_again.ALREADY) and case.number in again
    assert receipt_in(again) == receipt_in(first)
    assert await Case.all().count() == 1
    assert await villager.one("举报") == T.START  # a different report is filed as usual
    assert await villager.one("胡家庄村的会计把村里鱼塘的承包费装进了自己腰包") == T.MORE
    assert (await villager.one("好了")).startswith("您反映的是")
    assert await confirmed(villager) == T.ASK_IDENTITY
    other = await villager.one("2")
    assert not other.startswith(report_again.ALREADY) and await Case.all().count() == 2
