"""查补贴: a villager looks up the subsidies paid in their name, disputes one, subscribes to new ones.

    (private, any state) --查补贴 | menu SUBSIDY--> ask       (--查补贴 <ID> <name>--> lookup at once)
    ask --ID + name (one message)--------------------------> lookup
    ask --ID only--> ask (ID kept sealed) --name--> lookup
    ask --name only--> ask (name kept sealed) --ID--> lookup
    ask --invalid ID--> ask (the reason: checksum, 15 digits, date...)
    lookup: found --> listed (records, newest first, totals per year; long lists in several messages)
            no match / name mismatch --> ask (the same neutral text)
            too many tries --> (cleared), wait stated
    listed --我没收到 N / 金额不对 N--> confirm, 实名/匿名, what was received ──> subsidy_fraud report on record N,
            the record attached (handlers.subsidy_dispute: the states dispute_* below)
    listed --谁查过我--> when the records were looked up, and by which kind of office (never the person)
    listed --订阅--> told of new records after the next import (outbox)
    listed --another ID--> lookup again
    (group) --查补贴 / an ID number--> refused, invited to a private chat (handlers.group)

The state keeps the ID and name only sealed (AES-GCM), and after a match only
record ids and the keyed hash of the ID: Redis never holds an ID or a name.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bot.dispatch import STATE_TTL, ConversationState, Flow, Inbound, Keyword, Reply, State, StatesGroup, on_click, \
    on_text, private_chat
from bot.dispatch.dispatcher import Sender
from bot.services import Services
from handlers.cases.numbers import CASE_NUMBER_RE, RECEIPT_RE
from handlers.subsidies import texts
from handlers.subsidies.actions import subscribe, unsubscribe
from handlers.subsidies.lookup import Outcome, lookup, lookups_by
from handlers import vocabulary
from nlp.idcard import check_id, extract_name, find_id_number, looks_like_id_attempt

if TYPE_CHECKING:
    from storage.crypto import PersonalDataCipher

SEAL_AAD = "subsidy-flow"
NOT_NAMES = frozenset({"好的", "谢谢", "你好", "您好", "什么", "怎么", "为什么", "不知道", "知道了", "是的", "没有", "可以",
                       "不是", "明白", "收到", "查询", "补贴", "姓名", "名字"})


class SubsidyFlow(StatesGroup):
    ask = State()
    listed = State(resting=True)  # the list is shown: a notice's question asked now gets its answer
    dispute_confirm = State()  # the dispute's steps (handlers.subsidy_dispute), inside the flow: the list stays
    dispute_identity = State()
    dispute_received = State()


def _not_other_keyword(msg: Inbound, ctx: dict[str, Any]) -> bool:
    """Words other flows own, typed during 查补贴, reach their router: never read as a name."""
    return not vocabulary.another_flows_word(msg.content, "subsidy")


async def start(msg: Inbound, state: ConversationState, user: Sender, services: Services, args: str) -> Reply:
    await state.clear()
    await state.set(SubsidyFlow.ask, id_enc="", name_enc="")
    if re.search(r"[0-9０-９]", args):  # "查补贴 <ID> <name>" in one message
        return await _collect(args, msg.channel, state, user, services)
    return Reply.text(texts.START)


async def start_click(state: ConversationState) -> Reply:
    """The menu's 查补贴 (qingfeng menu create)."""
    await state.clear()
    await state.set(SubsidyFlow.ask, id_enc="", name_enc="")
    return Reply.text(texts.START)


async def who_looked(state: ConversationState, registry: Any) -> Reply:
    if not state.is_in(SubsidyFlow) or not state.data.get("id_hash"):
        return Reply.text(texts.NEED_LOOKUP.format(word=vocabulary.WHO_LOOKED[0]))
    return Reply.text(texts.lookups_text(await lookups_by(state.data["id_hash"], registry)))


async def subscribe_new(state: ConversationState, user: Sender, cipher: "PersonalDataCipher") -> Reply:
    data = state.data
    if not state.is_in(SubsidyFlow) or not data.get("id_hash"):
        return Reply.text(texts.NEED_LOOKUP.format(word="订阅"))
    created = await subscribe(data["id_hash"], data["sub_enc"], channel=user.channel, subject=user.subject,
                              openid=user.openid, cipher=cipher)
    return Reply.text(texts.SUBSCRIBED if created else texts.ALREADY_SUBSCRIBED)


async def unsubscribe_all(user: Sender, cipher: "PersonalDataCipher") -> Reply:
    # every key's subject: subscriptions made before a new key was put first still go
    subjects = cipher.all_subject_hashes(user.channel, user.openid)
    return Reply.text(texts.UNSUBSCRIBED if await unsubscribe(subjects) else texts.NOT_SUBSCRIBED)


def _collecting(msg: Inbound, ctx: dict[str, Any]) -> bool:
    """Asking: an ID, a name or both. Listed (resting): only what may be a new ID; a report, a question or a
    receipt typed under the list goes to its own flow, and anything else gets the list's hint (fallback)."""
    if ctx["state"].current != SubsidyFlow.listed.id:
        return True
    compact = re.sub(r"[\s-]", "", msg.content)
    if RECEIPT_RE.fullmatch(compact) or CASE_NUMBER_RE.fullmatch(compact.upper()):
        return False  # 查询进度 by a bare receipt or case number (handlers.followup)
    return bool(re.search(r"[0-9０-９]", msg.content))


async def collect(msg: Inbound, state: ConversationState, user: Sender, services: Services) -> Reply:
    """An ID, a name, or both: look up as soon as both are known."""
    return await _collect(msg.content, msg.channel, state, user, services)


async def _collect(text: str, channel: str, state: ConversationState, user: Sender, services: Services) -> Reply:
    cipher = services.cipher
    data = state.data
    found = find_id_number(text)
    if found is not None and not found.check.ok:
        return Reply.text(found.check.reason)
    if found is None and looks_like_id_attempt(text):
        return Reply.text(check_id(re.sub(r"[^0-9Xx]", "", text)).reason or texts.NOT_UNDERSTOOD)
    name = extract_name(found.rest if found else text)
    if found is None and (name in NOT_NAMES or state.current == SubsidyFlow.listed.id):
        name = ""  # after a list, only a new ID starts a new lookup
    if found is None and not name:
        if state.current == SubsidyFlow.listed.id:
            return Reply.text(texts.LISTED_HINT)
        return Reply.text(texts.NOT_UNDERSTOOD)
    number = found.number if found else (cipher.open(data["id_enc"], aad=SEAL_AAD) if data.get("id_enc") else "")
    if not name and data.get("name_enc"):
        name = cipher.open(data["name_enc"], aad=SEAL_AAD)
    if not number:
        await state.set(SubsidyFlow.ask, name_enc=cipher.seal(name, aad=SEAL_AAD), id_enc="")
        return Reply.text(texts.ASK_ID)
    if not name:
        await state.set(SubsidyFlow.ask, id_enc=cipher.seal(number, aad=SEAL_AAD), name_enc="")
        return Reply.text(texts.ASK_NAME)
    result = await lookup(number, name, channel=channel, actor=f"villager:{user.subject}", services=services)
    if result.outcome is Outcome.FOUND:
        await state.clear()
        await state.set(SubsidyFlow.listed, records=[r.record_id for r in result.records], id_hash=result.id_hash,
                        sub_enc=cipher.seal(number), disputed={})
        return Reply.text(texts.records_text(result))
    if result.outcome is Outcome.LIMITED:
        await state.clear()
    elif result.outcome is Outcome.INVALID_NAME:
        await state.set(SubsidyFlow.ask, id_enc=cipher.seal(number, aad=SEAL_AAD), name_enc="")
    else:
        await state.clear()
        await state.set(SubsidyFlow.ask, id_enc="", name_enc="")
    return Reply.text(result.message())


FLOW = Flow(
    "subsidy",
    entry_points=[
        on_text(start, Keyword(*vocabulary.SUBSIDY, prefix=True), private_chat),
        on_click("SUBSIDY", start_click),
        on_text(who_looked, Keyword(*vocabulary.WHO_LOOKED), private_chat),
        on_text(subscribe_new, Keyword("订阅", "订阅提醒"), private_chat),
        on_text(unsubscribe_all, Keyword("取消订阅", "退订"), private_chat),
    ],
    states={  # the dispute's steps are SubsidyFlow's too: handlers.subsidy_dispute, tried before this router
        SubsidyFlow: [on_text(collect, private_chat, _not_other_keyword, _collecting)],
    },
    fallbacks=[],
    exits=vocabulary.words_of_other_flows("subsidy"),  # `_not_other_keyword`
    timeout=STATE_TTL,
)
subsidy_router = FLOW.router()
