"""The report flow after 1 对 (its diagram: handlers.report): the category's questions, 实名 or 匿名, name, phone.

    confirmed ──> questions of the category (nlp.categories.CATEGORY_QUESTIONS), one at a time, each
                  answered or 跳过 ──> identity
    identity: 1 实名 ──> name (2–20 characters | 跳过) ──> phone (valid number | 跳过) ──> filed
              2 匿名 ──> filed (no openid, phone or name stored anywhere)

Answers and the name live in the sealed draft, then sealed with the case (answers) or its identity (name).
"""
from __future__ import annotations

import re
from typing import Any

from bot.dispatch import STATE_TTL, Flow, Inbound, Reply, on_text
from bot.dispatch.dispatcher import Sender
from bot.dispatch.state import ConversationState
from bot.services import Services
from handlers import lost_drafts, report_again, report_texts as T
from handlers import vocabulary
from handlers.follow import forget_village
from handlers.report import Report, plain
from handlers.report_filing import clear_after_commit, draft_from, file_with_media
from nlp.categories import CATEGORY_QUESTIONS, MAX_ANSWER

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}\d{7,8})$")
NAME_RE = re.compile(r"^[\u3400-\u9fffA-Za-z·・• ]{2,20}$")  # Han or Latin letters; 买买提·艾力 keeps its dot
SKIP = {"跳过", "不留", "不用", "不要", "算了不留", "0", "不知道", "不清楚", "没有"}


def _not_another_flow(msg: Inbound, _ctx: Any) -> bool:
    return not vocabulary.another_flows_word(plain(msg.content), "report", prefix=False)


async def confirmed(state: ConversationState) -> Reply:
    """The category and place are settled: its questions, if it has any, else 实名 or 匿名."""
    questions = CATEGORY_QUESTIONS.get(state.data.get("category", ""), ())
    if not questions:
        await state.set(Report.identity)
        return Reply.text(T.ASK_IDENTITY)
    await state.set(Report.questions, question=0, answers={})
    return Reply.text(T.ask_question(questions, 0))


async def answer(msg: Inbound, state: ConversationState) -> Reply:
    questions = CATEGORY_QUESTIONS.get(state.data.get("category", ""), ())
    index = int(state.data.get("question", 0))
    answers: dict[str, str] = dict(state.data.get("answers") or {})
    if index < len(questions) and plain(msg.content) not in SKIP:
        answers[questions[index].id] = msg.content.strip()[:MAX_ANSWER]
    index += 1
    if index < len(questions):
        await state.update(question=index, answers=answers)
        return Reply.text(T.ask_question(questions, index))
    await state.set(Report.identity, question=index, answers=answers)
    return Reply.text(T.ASK_IDENTITY)


async def identity(msg: Inbound, state: ConversationState, user: Sender, services: Services, registry: Any) -> Reply:
    said = plain(msg.content)
    if said in ("1", "实名"):
        await state.set(Report.name)
        return Reply.text(T.ASK_NAME)
    if said in ("2", "匿名"):
        return await _file(msg, state, user, services, registry, anonymous=True)
    return Reply.text(T.NOT_UNDERSTOOD_IDENTITY)


async def name(msg: Inbound, state: ConversationState) -> Reply:
    said = re.sub(r"\s+", " ", msg.content).strip().removeprefix("我叫").removeprefix("姓名")
    if plain(said) in SKIP:
        await state.set(Report.phone, name="")
        return Reply.text(T.ASK_PHONE)
    if not NAME_RE.match(said):
        return Reply.text(T.BAD_NAME)
    await state.set(Report.phone, name=said)  # the draft is sealed in Redis (bot.dispatch.state)
    return Reply.text(T.ASK_PHONE)


async def phone(msg: Inbound, state: ConversationState, user: Sender, services: Services, registry: Any) -> Reply:
    said = plain(msg.content).replace("-", "").removeprefix("+86")
    if said in SKIP:
        return await _file(msg, state, user, services, registry, anonymous=False)
    if not PHONE_RE.match(said):
        return Reply.text(T.BAD_PHONE)
    return await _file(msg, state, user, services, registry, anonymous=False, phone=said)


async def _file(msg: Inbound, state: ConversationState, user: Sender, services: Services, registry: Any, *,
                anonymous: bool, phone: str | None = None) -> Reply:
    data = state.data
    receipt = services.cipher.open(data["receipt_enc"]) if data.get("receipt_enc") else None
    draft = draft_from(data, msg, anonymous=anonymous, name=data.get("name") or None, phone=phone, receipt=receipt)
    if (earlier := await report_again.same_report(services, state.subject, draft.text, draft.draft_id)) is not None:
        await lost_drafts.closed(draft.draft_id)  # started over after an answer that never came: filed already
        await clear_after_commit(state)
        return earlier
    filed = await file_with_media(draft, data.get("media", []), services)
    office = registry.commission_name(filed.case.office) or "县纪委监委"
    reply = Reply.text(T.filed(filed.case.number or "", filed.receipt, office, anonymous))
    # kept before the conversation is cleared: a process dying between the two still answers a repeat
    await report_again.remember(services, state.subject, plain(msg.content), reply.texts, report=draft.text,
                                draft_id=draft.draft_id)
    await clear_after_commit(state, forget_village(user, services.redis))  # the scanned village served this report
    return reply


FLOW = Flow(
    "report_details",
    entry_points=[],  # entered from handlers.report's confirm (1 对): `confirmed`
    states={
        Report.questions: [on_text(answer, _not_another_flow)],
        Report.identity: [on_text(identity)],
        Report.name: [on_text(name)],
        Report.phone: [on_text(phone)],
    },
    fallbacks=[],
    exits=vocabulary.ANY_STEP,
    timeout=STATE_TTL,
)
details_router = FLOW.router()
