"""评价: 满意 / 不满意 (with an optional reason) on a resolved case.

    查询进度 shows a resolved case ──> choose ◄── 满意/不满意 typed alone (the 实名 reporter's resolved case)
                                               ◄── 评价 QF…  (the 实名 reporter's case by number)
    choose: 1 满意 ──> rated "satisfied"
            2 不满意 ──> reason (text | 跳过) ──> rated "unsatisfied" (the lifecycle reopens it for cross-review)
"""
from __future__ import annotations

from bot.dispatch import Inbound, Keyword, Reply, Router, State, StatesGroup
from bot.dispatch.state import ConversationState
from bot.services import Services
from handlers.cases.numbers import find_case_number
from handlers.cases.queries import find_for_reporter, list_for_reporter, rate
from handlers.cases.transitions import IllegalTransition
from handlers import vocabulary
from storage.models import Status

rating_router = Router("rating")

ASK = "请回复数字评价办理结果:\n1 满意\n2 不满意"
ASK_REASON = "请简单说说哪里不满意(会转给复查的单位)。不想说请回复【跳过】。"
THANKS = "谢谢您的评价!"
REOPENED = "已记录您的意见,这件案件会重新核查。您可以继续回复【查询进度】查看。"
CANNOT = "这件案件现在不能评价(还没办结,或已经评价过了)。"
NOT_FOUND = "没有找到需要您评价的案件。匿名举报请先回复【查询进度】并发送回执码,查看后再评价。"
WHICH = "您有几件案件都可以评价,请回复【查询进度】加案件编号,查看后再评价。"
SATISFIED = {"1", "满意", "非常满意", "很满意", "满意的"}
UNSATISFIED = {"2", "不满意", "很不满意", "不太满意"}
SKIP = {"跳过", "不说了", "没有", "无", "不用"}
MAX_REASON = 500


class Rating(StatesGroup):
    choose = State()
    reason = State()


async def offer(state: ConversationState, case_id: int) -> str:
    """Called by 查询进度 when the case shown can be rated; returns the question to append."""
    await state.set(Rating.choose, case_id=case_id)
    return ASK


@rating_router.text(Rating.choose)
async def choose(msg: Inbound, state: ConversationState, services: Services) -> Reply:
    said = msg.content.strip().strip("。.!!")
    case_id = int(state.data["case_id"])
    if said in SATISFIED:
        return await _rate(state, case_id, True, "", services)
    if said in UNSATISFIED:
        await state.set(Rating.reason)
        return Reply.text(ASK_REASON)
    return Reply.text(ASK)


@rating_router.text(Rating.reason)
async def reason(msg: Inbound, state: ConversationState, services: Services) -> Reply:
    said = msg.content.strip()
    why = "" if said in SKIP else said[:MAX_REASON]
    return await _rate(state, int(state.data["case_id"]), False, why, services)


@rating_router.text(Keyword(*SATISFIED - {"1"}, *UNSATISFIED - {"2"}), lambda m, c: c["state"].current is None)
async def rate_typed(msg: Inbound, state: ConversationState, services: Services, keyword: str) -> Reply:
    resolved = [c for c in await list_for_reporter(msg.channel, msg.sender, services) if c.status == Status.RESOLVED]
    if not resolved:
        return Reply.text(NOT_FOUND)
    if len(resolved) > 1:
        return Reply.text(WHICH)
    if keyword in SATISFIED:
        return await _rate(state, resolved[0].id, True, "", services)
    await state.set(Rating.reason, case_id=resolved[0].id)
    return Reply.text(ASK_REASON)


@rating_router.text(Keyword(*vocabulary.RATING, prefix=True))
async def rate_number(msg: Inbound, state: ConversationState, services: Services, args: str) -> Reply:
    number = find_case_number(args)
    case = await find_for_reporter(number, msg.channel, msg.sender, services) if number else None
    if case is None:
        return Reply.text(NOT_FOUND)
    if case.status != Status.RESOLVED:
        return Reply.text(CANNOT)
    return Reply.text(f"案件 {case.number}\n" + await offer(state, case.id))


async def _rate(state: ConversationState, case_id: int, satisfied: bool, why: str, services: Services) -> Reply:
    try:
        await rate(case_id, satisfied, why, "reporter", services)
    except IllegalTransition:
        await state.clear()
        return Reply.text(CANNOT)
    await state.clear()
    return Reply.text(THANKS if satisfied else REOPENED)
