"""评价: 满意 / 不满意 (with an optional reason) on a resolved case.

    查询进度 shows a resolved case ──> choose ◄── 满意/不满意 typed alone (the 实名 reporter's resolved case)
                                               ◄── 评价 QF…  (the 实名 reporter's case by number)
    the 办结 notice ("满意请回复1…", cases/pending.py) ──> 1/2/满意/不满意, whatever flow ran last
        (notice_router, tried before the flows; a flow that asked something after the notice keeps its answers,
         a flow resting on a result (State(resting=True): the 查补贴 list) does not)
    two or more cases to rate ──> pick (a numbered list; the verdict already given is kept) ──> rated | choose
    choose: 1 满意 ──> rated "satisfied"
            2 不满意 ──> reason (text | 跳过) ──> rated "unsatisfied" (the lifecycle reopens it for cross-review)
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bot.dispatch import STATE_TTL, Flow, Inbound, Keyword, Reply, SkipHandler, State, StatesGroup, on_text, \
    private_chat
from bot.dispatch.dispatcher import Sender
from bot.dispatch.state import ConversationState
from bot.services import Services
from handlers.cases.numbers import find_case_number
from handlers.cases.pending import answered, pending
from handlers.cases.queries import find_for_reporter, list_for_reporter, rate
from handlers.cases.transitions import IllegalTransition
from handlers import vocabulary
from storage.models import Case, Status

if TYPE_CHECKING:
    from storage.crypto import PersonalDataCipher

ASK = "请回复数字评价办理结果:\n1 满意\n2 不满意"
ASK_REASON = "请简单说说哪里不满意(会转给复查的单位)。不想说请回复【跳过】。"
THANKS = "谢谢您的评价!"
REOPENED = "已记录您的意见,这件案件会重新核查。您可以继续回复【查询进度】查看。"
CANNOT = "这件案件现在不能评价(还没办结,或已经评价过了)。"
NOT_FOUND = "没有找到需要您评价的案件。匿名举报请先回复【查询进度】并发送回执码,查看后再评价。"
WHICH = "您有{n}件案件已办结,请回复序号选择要评价的一件:"
BAD_PICK = "请回复列表里的序号(1到{n})。回复【取消】退出。"
SATISFIED = {"1", "满意", "非常满意", "很满意", "满意的"}
UNSATISFIED = {"2", "不满意", "很不满意", "不太满意"}
SKIP = {"跳过", "不说了", "没有", "无", "不用"}
MAX_REASON = 500
ANSWER = re.compile(r"^\d{1,2}$")


class Rating(StatesGroup):
    choose = State()
    reason = State()
    pick = State()


async def offer(state: ConversationState, case_id: int) -> str:
    """Called by 查询进度 when the case shown can be rated; returns the question to append."""
    await state.set(Rating.choose, case_id=case_id)
    return ASK


def _verdict(said: str) -> str:
    return "satisfied" if said in SATISFIED else "unsatisfied" if said in UNSATISFIED else ""


def _reads_like_an_answer(msg: Inbound, ctx: dict[str, Any]) -> dict[str, Any] | bool:
    said = msg.normalised
    if ctx["state"].is_in(Rating) or not (said in SATISFIED or said in UNSATISFIED or ANSWER.match(said)):
        return False
    return {"said": said}


async def notice_answer(state: ConversationState, user: Sender, services: Services, said: str) -> Reply:
    """The 办结 notice asked "满意请回复1": its answer, unless a flow asked something since (a flow that only
    shows its result, like the 查补贴 list, asked nothing)."""
    asked = await pending(services, user.subject)
    if not asked or (not state.resting and state.changed_at > asked[-1].at):
        raise SkipHandler  # a flow asked something after the notice: the answer is that flow's
    ids = [a.case_id for a in asked]
    cases = await Case.filter(id__in=ids, status=Status.RESOLVED).order_by("id")
    if len(cases) < len(ids):  # rated meanwhile (查询进度, the mini-program) or reopened: no longer asked
        await answered(services, user.subject, *(set(ids) - {c.id for c in cases}))
    if not cases:
        raise SkipHandler
    verdict = _verdict(said)
    if len(cases) > 1:
        return await _list(state, cases, verdict if not ANSWER.match(said) else "")
    return await _verdict_on(state, cases[0], verdict, services, keep_flow=True)


async def _list(state: ConversationState, cases: list[Case], verdict: str) -> Reply:
    from nlp import CATEGORY_NAMES

    await state.clear()
    await state.set(Rating.pick, cases=[c.id for c in cases], verdict=verdict)
    lines = [WHICH.format(n=len(cases))]
    lines += [f"{i}. 案件 {c.number}({CATEGORY_NAMES.get(c.category, c.category)})" for i, c in enumerate(cases, 1)]
    return Reply.text("\n".join(lines))


async def _verdict_on(state: ConversationState, case: Case, verdict: str, services: Services, *,
                      keep_flow: bool = False) -> Reply:
    if verdict == "satisfied":
        return await _rate(state, case.id, True, "", services, keep_flow=keep_flow)
    if verdict == "unsatisfied":
        await state.clear()
        await state.set(Rating.reason, case_id=case.id)
        return Reply.text(ASK_REASON)
    await state.clear()
    return Reply.text(f"案件 {case.number}\n" + await offer(state, case.id))


async def pick(msg: Inbound, state: ConversationState, services: Services) -> Reply:
    ids: list[int] = state.data["cases"]
    said = msg.normalised
    if not (ANSWER.match(said) and 1 <= int(said) <= len(ids)):
        return Reply.text(BAD_PICK.format(n=len(ids)))
    case = await Case.get(id=ids[int(said) - 1])
    return await _verdict_on(state, case, state.data.get("verdict", ""), services)


async def choose(msg: Inbound, state: ConversationState, services: Services) -> Reply:
    said = msg.content.strip().strip("。.!!")
    case_id = int(state.data["case_id"])
    if said in SATISFIED:
        return await _rate(state, case_id, True, "", services)
    if said in UNSATISFIED:
        await state.set(Rating.reason)
        return Reply.text(ASK_REASON)
    return Reply.text(ASK)


async def reason(msg: Inbound, state: ConversationState, services: Services) -> Reply:
    said = msg.content.strip()
    why = "" if said in SKIP else said[:MAX_REASON]
    return await _rate(state, int(state.data["case_id"]), False, why, services)


async def rate_typed(msg: Inbound, state: ConversationState, services: Services, keyword: str) -> Reply:
    mine = await list_for_reporter(msg.channel, msg.sender, services.cipher)
    resolved = [c for c in mine if c.status == Status.RESOLVED]
    if not resolved:
        return Reply.text(NOT_FOUND)
    if len(resolved) > 1:
        return await _list(state, sorted(resolved, key=lambda c: c.id), _verdict(keyword))
    return await _verdict_on(state, resolved[0], _verdict(keyword), services)


async def rate_number(msg: Inbound, state: ConversationState, cipher: "PersonalDataCipher", args: str) -> Reply:
    number = find_case_number(args)
    case = await find_for_reporter(number, msg.channel, msg.sender, cipher) if number else None
    if case is None:
        return Reply.text(NOT_FOUND)
    if case.status != Status.RESOLVED:
        return Reply.text(CANNOT)
    return Reply.text(f"案件 {case.number}\n" + await offer(state, case.id))


async def _rate(state: ConversationState, case_id: int, satisfied: bool, why: str, services: Services, *,
                keep_flow: bool = False) -> Reply:
    """Rate; the flow the villager was in before the notice stays when nothing more is asked (`keep_flow`)."""
    try:
        await rate(case_id, satisfied, why, "reporter", services)
    except IllegalTransition:
        if not keep_flow:
            await state.clear()
        return Reply.text(CANNOT)
    finally:
        await answered(services, state.subject, case_id)
    if not keep_flow:
        await state.clear()
    return Reply.text(THANKS if satisfied else REOPENED)


NOTICE_FLOW = Flow(
    "rating-notice",
    entry_points=[on_text(notice_answer, private_chat, _reads_like_an_answer)],  # tried before the flows
    states={},
    fallbacks=[],
    exits=(),
    timeout=None,
)
FLOW = Flow(
    "rating",
    entry_points=[
        {Rating.pick: [on_text(pick)], Rating.choose: [on_text(choose)], Rating.reason: [on_text(reason)]},  # first
        on_text(rate_typed, Keyword(*SATISFIED - {"1"}, *UNSATISFIED - {"2"}), lambda m, c: c["state"].current is None),
        on_text(rate_number, Keyword(*vocabulary.RATING, prefix=True)),
    ],
    states={},
    fallbacks=[],
    exits=vocabulary.ANY_STEP + vocabulary.FOLLOWUP,  # 查询进度's router is tried before this one
    timeout=STATE_TTL,
)
notice_router = NOTICE_FLOW.router()
rating_router = FLOW.router()
