"""A report in progress that Redis lost is told plainly (issue 14 item 6)."""
from __future__ import annotations

from typing import Any

from handlers import report_texts as T
from handlers.cancel import CANCELLED
from handlers.help import NOT_UNDERSTOOD
from handlers.lost_drafts import LOST
from tests.handlers.conftest import Villager
from tests.handlers.test_conversations_report import LOW_INCOME, file_anonymous


async def test_a_conversation_lost_with_redis_is_told_to_start_again(villager: Villager, services: Any) -> None:
    assert await villager.one("举报") == T.START
    assert await villager.one(LOW_INCOME) == T.MORE
    await services.redis.flushdb()  # Redis restarted without its data
    assert await villager.one("好了") == LOST
    assert await villager.one("好了") == NOT_UNDERSTOOD, "told once"


async def test_a_cancelled_or_filed_report_is_not_called_lost(make_villager: Any, services: Any) -> None:
    v = make_villager()
    await v.one("举报")
    assert await v.one("取消") == CANCELLED
    assert await v.one("好了") == NOT_UNDERSTOOD
    w = make_villager()
    assert "回执码" in await file_anonymous(w)
    await services.redis.flushdb()
    assert await w.one("2") == NOT_UNDERSTOOD
