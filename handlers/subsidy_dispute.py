"""我没收到 / 金额不对: a villager disputes one record of their 查补贴 list.

    listed --我没收到 N | 金额不对 N (N may be left out when one record is listed)--> dispute_confirm
    dispute_confirm: 1 对 ──> dispute_identity      2 不对 ──> listed (nothing filed)
    dispute_identity: 1 实名 | 2 匿名 ──> dispute_received
    dispute_received: an amount | 0 / 没有 | 跳过 ──> filed (subsidy_fraud, the record attached) ──> listed
        实名: case number, staff can answer the villager    匿名: case number + receipt, nothing of the villager kept
    (no list yet) --我没收到 / 金额不对--> "请先回复【查补贴】"

The states are SubsidyFlow's (handlers.subsidy declares them), so 谁查过我 and 订阅 work at every step, and the
list stays: after filing, the next record can be disputed. The filing itself is handlers.subsidies.actions
(one definition, the mini-program's POST /api/v1/subsidies/dispute files through it too).
"""
from __future__ import annotations

import re
from typing import Any

from bot.dispatch import STATE_TTL, ConversationState, Flow, Inbound, Reply, on_text, private_chat
from bot.services import Services
from handlers import vocabulary
from handlers.report_texts import filed as filed_text
from handlers.subsidies import texts
from handlers.subsidies.actions import DISPUTE_KINDS, file_dispute, received_answer
from handlers.subsidy import SubsidyFlow
from storage.models import SubsidyRecord

DISPUTE = re.compile(r"^\s*(?:我)?(没收到|未收到|没有收到|金额不对|钱数不对|少了)\s*(?:第)?\s*(\d{1,3})?\s*(?:条|号)?\s*$")
YES = {"1", "对", "是", "是的", "对的", "没错", "确认"}
NO = {"2", "不对", "不是", "错了", "不"}
REAL_NAME = {"1", "实名"}
ANONYMOUS = {"2", "匿名"}


def _dispute(msg: Inbound, ctx: dict[str, Any]) -> dict[str, Any] | bool:
    m = DISPUTE.match(msg.content)
    return {"dispute": m} if m else False


def _not_other_keyword(msg: Inbound, ctx: dict[str, Any]) -> bool:
    return not vocabulary.another_flows_word(msg.content, "subsidy")


def _said(msg: Inbound) -> str:
    return re.sub(r"[\s。.!!,,]+", "", msg.content)


async def _line(record_id: int) -> str:
    rec = await SubsidyRecord.get(id=record_id).prefetch_related("village")
    return f"{rec.paid_on:%Y-%m-%d} {rec.program} {rec.amount:.2f}元({rec.village.name})"


async def dispute(state: ConversationState, dispute: re.Match[str]) -> Reply:
    records: list[int] = state.data.get("records", [])
    no = int(dispute.group(2)) if dispute.group(2) else (1 if len(records) == 1 else 0)
    if not no:
        return Reply.text(texts.WHICH_RECORD)
    if not 1 <= no <= len(records):
        return Reply.text(texts.NO_SUCH_NUMBER.format(no=no))
    disputed: dict[str, str] = state.data.get("disputed", {})
    if str(no) in disputed:
        number = disputed[str(no)]
        return Reply.text(texts.ALREADY_DISPUTED.format(no=no, number=number) if number
                          else texts.ALREADY_DISPUTED_ANONYMOUS.format(no=no))
    kind = DISPUTE_KINDS[dispute.group(1)]
    await state.set(SubsidyFlow.dispute_confirm, dispute_no=no, dispute_kind=kind)
    return Reply.text(texts.CONFIRM_DISPUTE.format(no=no, what=texts.DISPUTE_WHAT[kind],
                                                   line=await _line(records[no - 1])))


async def dispute_without_list() -> Reply:
    return Reply.text(texts.NEED_LOOKUP.format(word="我没收到 编号"))


async def confirm(msg: Inbound, state: ConversationState) -> Reply:
    said = _said(msg)
    if said in YES:
        await state.set(SubsidyFlow.dispute_identity)
        return Reply.text(texts.ASK_DISPUTE_IDENTITY)
    if said in NO:
        await state.set(SubsidyFlow.listed)
        return Reply.text(texts.DISPUTE_DROPPED + texts.LISTED_HINT)
    return Reply.text(texts.NOT_UNDERSTOOD_CONFIRM)


async def identity(msg: Inbound, state: ConversationState) -> Reply:
    said = _said(msg)
    if said not in REAL_NAME | ANONYMOUS:
        return Reply.text(texts.NOT_UNDERSTOOD_IDENTITY)
    await state.set(SubsidyFlow.dispute_received, dispute_anonymous=said in ANONYMOUS)
    return Reply.text(texts.ASK_RECEIVED[state.data["dispute_kind"]])


async def received(msg: Inbound, state: ConversationState, services: Services, registry: Any) -> Reply:
    answer = received_answer(msg.content)
    if answer is None:
        return Reply.text(texts.BAD_RECEIVED)
    data = state.data
    no, anonymous = int(data["dispute_no"]), bool(data["dispute_anonymous"])
    filed = await file_dispute(data["records"][no - 1], data["dispute_kind"], channel=msg.channel,
                               openid=msg.sender, services=services, anonymous=anonymous, received=answer)
    number = filed.case.number or ""
    # an anonymous case is not tied to this chat, not even in the sealed state: only "done" is kept
    disputed = {**data.get("disputed", {}), str(no): "" if anonymous else number}
    await state.set(SubsidyFlow.listed, disputed=disputed, dispute_no=0, dispute_kind="", dispute_anonymous=False)
    office = registry.commission_name(filed.case.route_to)
    return Reply.text(filed_text(number, filed.receipt, office, anonymous=anonymous))


FLOW = Flow(
    "subsidy-dispute",
    entry_points=[
        {SubsidyFlow.listed: [on_text(dispute, private_chat, _dispute)]},  # the list shown: 我没收到 N starts it
        on_text(dispute_without_list, _dispute, private_chat,
                lambda m, c: c["state"].current in (None, SubsidyFlow.ask.id)),
    ],
    states={
        SubsidyFlow.dispute_confirm: [on_text(confirm, private_chat, _not_other_keyword)],
        SubsidyFlow.dispute_identity: [on_text(identity, private_chat, _not_other_keyword)],
        SubsidyFlow.dispute_received: [on_text(received, private_chat, _not_other_keyword)],
    },
    fallbacks=[],
    exits=vocabulary.words_of_other_flows("subsidy"),  # `_not_other_keyword`: 谁查过我, 举报 … leave it
    timeout=STATE_TTL,
)
dispute_router = FLOW.router()
