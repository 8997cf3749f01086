"""Two-way follow-up by receipt (GlobaLeaks' core): staff ask the reporter, the reporter answers and adds.

    staff ask (panel, actions.ask_reporter) ──> event "question" (public) ──> 实名: pushed (notify)
                                                                          anonymous: waits in 查询进度 by receipt
    reporter answers (chat or API, by receipt or own case number) ──> event "answer" (data.question) ──> office told
    reporter adds text, a photo, a voice or a video while the case is open ──> event "supplement" ──> office told

A question is open while no answer event names it and the case is open. The reporter's
events carry actor "reporter" and the channel, never who they are: staff never see an openid.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from handlers.cases.transitions import record
from storage.models import OPEN_STATUSES, Case, CaseEvent

if TYPE_CHECKING:
    from bot.services import Services

MAX_TEXT = 1000
MEDIA_NAMES = {"image": "照片", "voice": "语音", "video": "视频", "file": "文件"}


class CannotAdd(ValueError):
    """The case is closed (or was never accepted): nothing more is taken for it."""


@dataclass(frozen=True)
class Question:
    id: int  # the question event's id: what an answer names
    at: datetime
    text: str


def may_add(case: Case) -> bool:
    return case.status in OPEN_STATUSES


async def open_questions(case: Case) -> list[Question]:
    """The staff's questions this reporter has not answered yet, oldest first (none once the case is closed)."""
    if not may_add(case):
        return []
    events = await CaseEvent.filter(case_id=case.id, kind__in=("question", "answer")).order_by("at", "id")
    answered = {int(e.data.get("question", 0) or 0) for e in events if e.kind == "answer"}
    return [Question(e.id, e.at, e.reason) for e in events if e.kind == "question" and e.id not in answered]


async def ask(case: Case, text: str, *, actor: str, services: "Services") -> CaseEvent:
    """A question to the reporter: public (they read it by receipt), 实名 reporters are told at once."""
    if not may_add(case):
        raise CannotAdd(case.status)
    return await record(case.id, "question", actor=actor, reason=text.strip()[:MAX_TEXT], public=True,
                        services=services)


async def answer(case: Case, text: str, *, channel: str, services: "Services",
                 question_id: int | None = None) -> CaseEvent:
    """The reporter's answer to `question_id` (default: the oldest open question), else a supplement."""
    if not may_add(case):
        raise CannotAdd(case.status)
    waiting = await open_questions(case)
    target = next((q for q in waiting if q.id == question_id), None) if question_id else (waiting[0] if waiting else None)
    text = text.strip()[:MAX_TEXT]
    if target is None:
        return await supplement(case, text, channel=channel, services=services)
    return await record(case.id, "answer", actor="reporter", reason=text, public=True,
                        data={"question": target.id, "channel": channel}, services=services)


async def supplement(case: Case, text: str = "", *, channel: str, services: "Services",
                     media: str | None = None) -> CaseEvent:
    """Text, or a photo / voice / video (its file follows as an attachment), added after filing."""
    if not may_add(case):
        raise CannotAdd(case.status)
    data: dict[str, str] = {"channel": channel}
    if media:
        data["media"] = media
    reason = text.strip()[:MAX_TEXT] or f"补充了{MEDIA_NAMES.get(media or '', '材料')}"
    return await record(case.id, "supplement", actor="reporter", reason=reason, public=True, data=data,
                        services=services)
