"""查询进度: a case's progress, by case number (the 实名 reporter's own account) or by receipt (anyone).

    查询进度 QF…/receipt ─┐
    查询进度 ──> ask ──────┴─> shown (status, office by title, deadline, public replies)
    a bare QF… or 16-digit receipt (no flow) ─┘        └─ resolved ──> rating.offer (满意/不满意)

Receipt lookups are rate-limited per sender (a receipt is the only key to an anonymous case).
"""
from __future__ import annotations

from bot.dispatch import STATE_TTL, Flow, Inbound, Keyword, Reply, State, StatesGroup, on_click, on_text
from bot.dispatch.dispatcher import Sender
from bot.dispatch.state import ConversationState
from bot.services import Services
from handlers.cases.numbers import CASE_NUMBER_RE, RECEIPT_RE, find_case_number, find_receipt
from handlers.cases.queries import CaseView, find_by_receipt, find_for_reporter, public_view
from storage.china_time import local_time
from handlers.rating import offer
from handlers.cases.questions import may_add
from handlers.supplement import offer_answer
from handlers import vocabulary
from storage import keys

RECEIPT_LOOKUPS_PER_HOUR = 5
SHOWN_EVENTS = 6
ASK = "请发送案件编号(QF开头)或16位回执码。"
NOT_UNDERSTOOD = "没有看到案件编号或回执码。案件编号是QF开头的,回执码是16位数字。"
WRONG_RECEIPT = "没有找到这个回执码对应的案件,请核对后重发(每小时最多查{n}次)。回执码丢了请回复【回执丢了】。"
NOT_YOURS = "没有找到您实名提交的这件案件。匿名举报请发送16位回执码查询。"
TOO_MANY = "查询次数太多了,请一小时后再试。"


class Followup(StatesGroup):
    ask = State()


async def start(msg: Inbound, state: ConversationState, user: Sender, services: Services, args: str) -> Reply:
    if not args:
        await state.clear()
        await state.set(Followup.ask)
        return Reply.text(ASK)
    return await _lookup(args, msg, state, user, services)


async def start_click(state: ConversationState) -> Reply:
    await state.clear()
    await state.set(Followup.ask)
    return Reply.text(ASK)


async def asked(msg: Inbound, state: ConversationState, user: Sender, services: Services) -> Reply:
    return await _lookup(msg.content, msg, state, user, services)


def _bare_reference(msg: Inbound, ctx: dict) -> bool:
    """A receipt or case number sent on its own, outside any flow."""
    if not ctx["state"].resting:
        return False
    text = msg.content.replace(" ", "").replace("-", "")
    return bool(RECEIPT_RE.fullmatch(text) or CASE_NUMBER_RE.fullmatch(text))


async def bare(msg: Inbound, state: ConversationState, user: Sender, services: Services) -> Reply:
    return await _lookup(msg.content, msg, state, user, services)


async def _receipt_allowed(user: Sender, services: Services) -> bool:
    window = int(services.clock()) // 3600
    key = keys.rate("receipt", user.subject, window)
    async with services.redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, 3700)
        count, _ = await pipe.execute()
    return int(count) <= RECEIPT_LOOKUPS_PER_HOUR


async def _lookup(text: str, msg: Inbound, state: ConversationState, user: Sender, services: Services) -> Reply:
    receipt, number = find_receipt(text), find_case_number(text)
    if receipt:
        if not await _receipt_allowed(user, services):
            await state.clear()
            return Reply.text(TOO_MANY)
        case = await find_by_receipt(receipt, services.cipher)
        if case is None:
            return Reply.text(WRONG_RECEIPT.format(n=RECEIPT_LOOKUPS_PER_HOUR))
    elif number:
        case = await find_for_reporter(number, msg.channel, msg.sender, services.cipher)
        if case is None:
            return Reply.text(NOT_YOURS)
    else:
        await state.set(Followup.ask)
        return Reply.text(NOT_UNDERSTOOD)
    view = await public_view(case)
    await state.clear()
    if view.can_rate:
        return Reply.text(render(view) + "\n\n" + await offer(state, case.id))
    if may_add(case):  # a question of the office waits for an answer, or the reporter may add more
        return Reply.text(render(view) + await offer_answer(state, case))
    return Reply.text(render(view))


def render(view: CaseView) -> str:
    lines = [f"案件 {view.number}({view.category})", f"状态:{view.status_text}"]
    if view.office:
        lines.append(f"办理单位:{view.office}")
    if view.deadline:
        lines.append(f"办理期限:{view.deadline.year}年{view.deadline.month}月{view.deadline.day}日前")
    if view.rating:
        lines.append("您的评价:" + ("满意" if view.rating == "satisfied" else "不满意"))
    if view.events:
        lines.append("办理进展:")
        for e in view.events[-SHOWN_EVENTS:]:
            t = local_time(e.at)
            lines.append(f"{t.month}月{t.day}日 {e.text[:200]}")
    return "\n".join(lines)


FLOW = Flow(
    "followup",
    entry_points=[on_text(start, Keyword(*vocabulary.FOLLOWUP, prefix=True)), on_click("PROGRESS", start_click)],
    states={Followup.ask: [on_text(asked)]},
    fallbacks=[on_text(bare, _bare_reference)],  # a bare QF…/receipt, outside any flow
    exits=vocabulary.ANY_STEP,
    timeout=STATE_TTL,
)
followup_router = FLOW.router()
