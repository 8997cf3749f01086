"""补充 and answering the office's questions after filing; a lost receipt.

    查询进度 shows an open case with a question waiting ──> answer: text / voice ──> "answer" event ──> add
    补充 [QF… | receipt] [text] ──> which (the case number or the receipt, if not given) ──> add
    add: text / voice ──> "supplement" event       photo / voice / video ──> "supplement" event + the file
         ... 好了 ──> done (the office is told of each; the answer shows in 查询进度)
    回执丢了 ──> what that means (nobody can recover it; the case goes on; no progress for them)
    续报 QF… ──> a new report (handlers.report) that names the first: staff see the reference and link them

Another flow's word (查询进度, 举报…) is never swallowed; 取消 leaves; an idle flow expires.
A 实名 reporter names their case by number, anyone else by receipt (rate-limited like 查询进度).
"""
from __future__ import annotations

import re

from bot.dispatch import STATE_TTL, Flow, Inbound, Keyword, Reply, State, StatesGroup, on_media, on_text, private_chat
from bot.dispatch.dispatcher import Sender
from bot.dispatch.state import ConversationState
from bot.services import Services
from handlers import vocabulary
from handlers.cases.numbers import find_case_number, find_receipt
from handlers.cases.questions import CannotAdd, Question, answer, may_add, open_questions, supplement
from handlers.cases.queries import find_by_receipt, find_for_reporter
from storage.models import Case

START_WORDS = ("补充", "补充材料", "补充情况", "我要补充", "追加材料")
# 回执丢了, 我的回执码忘记了怎么办, 找不到回执码了, 没记下回执码…: a short message about a lost receipt
LOST_RE = re.compile(r"^.{0,6}(回执(码)?.{0,4}(丢|忘|找不到|没记|没了|不见)|(丢|忘|找不到|没记|没保存).{0,4}回执).{0,10}$")
FOLLOW_UP_WORDS = ("续报",)
DONE_WORDS = {"好了", "好", "完了", "说完了", "没有了", "没了", "就这些", "发完了", "完成"}
MEDIA_KINDS = {"image", "voice", "video"}

QUESTION = "\n\n办理单位有问题想请您回答:\n{text}\n请直接回复您的回答(文字、语音、照片都可以);不方便回答请回复【取消】。"
ADD_HINT = "\n\n还有新情况?回复【补充 {ref}】,再发送文字、照片或语音。"
ASK_WHICH = "请发送要补充的案件编号(实名举报,QF开头)或16位回执码(匿名举报)。"
NOT_FOUND = "没有找到您可以补充的这件案件。实名举报请发送案件编号,匿名举报请发送16位回执码。"
CLOSED = "这件案件已经办结或不在办理中,不能再补充。如果有新的问题,请回复【举报】重新反映。"
ANSWERED = "已收到您的回答,已转给办理单位。还可以继续发送文字、照片或语音;说完了请回复【好了】。"
ADDED = "已收到,已转给办理单位。还可以继续发送;说完了请回复【好了】。"
READY = "请发送要补充的内容(文字、照片、语音或视频都可以),每条都会转给办理单位;说完了请回复【好了】。"
DONE = "好的,您补充的内容都已转给办理单位。回复【查询进度】可查看办理情况。"
MEDIA_MISSING = "这个文件没有收到,请重新发送一次。"
LOST = ("回执码丢了,请您了解:\n"
        "1. 回执码只在提交时显示一次,系统只保存它加密后的摘要,任何人(包括纪检监察工作人员)都无法找回或重新发给您。\n"
        "2. 您反映的问题照常办理,不会因为回执码丢失而停止。\n"
        "3. 没有回执码,您就查不到办理进度,也看不到办理单位向您提的问题。\n"
        "如果还有新情况,可以回复【续报 案件编号】(QF开头,提交时和回执码一起显示)再反映一次,办理单位会把两件合在一起看;"
        "编号也记不得,请直接回复【举报】重新反映。新的回执码请抄下来或截图保存。")
FOLLOW_UP_NEEDS_NUMBER = "请在【续报】后面写上第一次反映的案件编号(QF开头),例如:续报 QF2026000123。编号记不得,请直接回复【举报】重新反映。"
FOLLOW_UP_STARTED = "好的,这次反映会注明是对 {number} 的续报,办理单位会把两件合在一起看。\n"


class Supplement(StatesGroup):
    answer = State()
    which = State()
    add = State()


def _plain(text: str) -> str:
    return re.sub(r"[\s。.!!,,~]+", "", text or "")


def _own_text(msg: Inbound, ctx: dict) -> bool:
    """A text for this flow: not another flow's start word (those always work)."""
    return not vocabulary.another_flows_word(_plain(msg.content), "supplement", prefix=False)


async def offer_answer(state: ConversationState, case: Case) -> str:
    """Called by 查询进度 after showing an open case: the waiting question, or how to add more."""
    waiting = await open_questions(case)
    if not waiting:  # the receipt is never echoed back: the reporter types it again
        return ADD_HINT.format(ref="回执码" if case.anonymous else case.number)
    question: Question = waiting[0]
    await state.set(Supplement.answer, case_id=case.id, question_id=question.id)
    return QUESTION.format(text=question.text)


async def _find(text: str, msg: Inbound, user: Sender, services: Services) -> Case | None | str:
    """The case named by a receipt or (实名) a case number; "limited" when receipt lookups ran out."""
    from handlers.followup import TOO_MANY, _receipt_allowed

    receipt, number = find_receipt(text), find_case_number(text)
    if receipt:
        if not await _receipt_allowed(user, services):
            return TOO_MANY
        return await find_by_receipt(receipt, services.cipher)
    if number:
        return await find_for_reporter(number, msg.channel, msg.sender, services.cipher)
    return None


def _rest(text: str) -> str:
    """What is left of `补充 <ref> <text>` once the reference is taken out."""
    text = re.sub(r"QF\d{10}", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\d{4}[\s-]?\d{4}[\s-]?\d{4}[\s-]?\d{4}", "", text.translate(str.maketrans("0123456789", "0123456789")))
    return text.strip(" ::,,。")


async def start(msg: Inbound, state: ConversationState, user: Sender, services: Services, args: str) -> Reply:
    found = await _find(args, msg, user, services) if args else None
    if isinstance(found, str):
        await state.clear()
        return Reply.text(found)
    if found is None:
        pending = _rest(args) if args and not (find_receipt(args) or find_case_number(args)) else ""
        await state.clear()
        await state.set(Supplement.which, pending=pending)
        return Reply.text(NOT_FOUND if args and not pending else ASK_WHICH)
    return await _begin_adding(found, _rest(args), msg, state, services)


async def which(msg: Inbound, state: ConversationState, user: Sender, services: Services) -> Reply:
    found = await _find(msg.content, msg, user, services)
    if isinstance(found, str):
        await state.clear()
        return Reply.text(found)
    if found is None:
        return Reply.text(NOT_FOUND)
    return await _begin_adding(found, str(state.data.get("pending") or ""), msg, state, services)


async def _begin_adding(case: Case, text: str, msg: Inbound, state: ConversationState, services: Services) -> Reply:
    await state.clear()
    if not may_add(case):
        return Reply.text(CLOSED)
    try:
        if text:
            await supplement(case, text, channel=msg.channel, services=services)
    except CannotAdd:
        return Reply.text(CLOSED)
    if not text and (waiting := await open_questions(case)):
        await state.set(Supplement.answer, case_id=case.id, question_id=waiting[0].id)
        return Reply.text(f"案件 {case.number}" + QUESTION.format(text=waiting[0].text))
    await state.set(Supplement.add, case_id=case.id)
    return Reply.text(ADDED if text else READY)


async def written(msg: Inbound, state: ConversationState, services: Services) -> Reply:
    if _plain(msg.content) in DONE_WORDS:
        await state.clear()
        return Reply.text(DONE)
    case = await Case.get_or_none(id=int(state.data["case_id"]))
    if case is None:
        await state.clear()
        return Reply.text(CLOSED)
    answering = state.current == Supplement.answer.id
    try:
        if answering:
            await answer(case, msg.content, channel=msg.channel, services=services,
                         question_id=int(state.data.get("question_id") or 0) or None)
        else:
            await supplement(case, msg.content, channel=msg.channel, services=services)
    except CannotAdd:
        await state.clear()
        return Reply.text(CLOSED)
    if msg.kind == "voice" and msg.media_id:  # a recognised voice: the audio is kept too (dialects get misheard)
        _fetch(case, msg, services)
    await state.set(Supplement.add, case_id=case.id)
    return Reply.text(ANSWERED if answering else ADDED)


async def media(msg: Inbound, state: ConversationState, services: Services) -> Reply:
    if not msg.media_id or state.current == Supplement.which.id:
        return Reply.text(MEDIA_MISSING if not msg.media_id else ASK_WHICH)
    case = await Case.get_or_none(id=int(state.data["case_id"]))
    if case is None:
        await state.clear()
        return Reply.text(CLOSED)
    try:
        await supplement(case, channel=msg.channel, services=services, media=msg.kind)
    except CannotAdd:
        await state.clear()
        return Reply.text(CLOSED)
    _fetch(case, msg, services)
    await state.set(Supplement.add, case_id=case.id)
    return Reply.text(ADDED)


def _fetch(case: Case, msg: Inbound, services: Services) -> None:
    from handlers.report_filing import fetch_media

    ref = {"kind": msg.kind, "media_id": msg.media_id or "", "transcript": msg.recognition.strip()}  # kept beside it
    services.spawn(fetch_media(case.id, msg.channel, [ref], services))


def _lost_receipt(msg: Inbound, ctx: dict) -> bool:
    return bool(LOST_RE.match(_plain(msg.content)))


async def lost(state: ConversationState) -> Reply:
    await state.clear()
    return Reply.text(LOST)


async def follow_up(msg: Inbound, state: ConversationState, args: str) -> Reply:
    """A new report naming the first by its number; nothing tells whether that number exists."""
    from handlers.report import begin

    number = find_case_number(args)
    if number is None:
        return Reply.text(FOLLOW_UP_NEEDS_NUMBER)
    started = await begin(state)
    await state.update(follows=number)
    return Reply.text(FOLLOW_UP_STARTED.format(number=number) + "".join(started.texts))


FLOW = Flow(
    "supplement",
    entry_points=[on_text(start, Keyword(*START_WORDS, prefix=True), private_chat)],
    states={
        Supplement.which: [on_text(which, _own_text)],
        Supplement.add: [on_text(written, _own_text)],
        Supplement.answer: [on_text(written, _own_text)],
        Supplement: [on_media(MEDIA_KINDS, media, lambda m, c: not m.content)],  # a file, in any of its states
    },
    fallbacks=[  # tried after the states: 回执丢了 and 续报 QF… answer at any step
        on_text(lost, _lost_receipt, private_chat),
        on_text(follow_up, Keyword(*FOLLOW_UP_WORDS, prefix=True), private_chat),
    ],
    exits=vocabulary.words_of_other_flows("supplement"),  # `_own_text`: another flow's word is not an answer
    timeout=STATE_TTL,
)
supplement_router = FLOW.router()
