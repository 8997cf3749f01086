"""举报 / 反映问题: describe, confirm category and place, 实名 or 匿名, file.

    举报 | 反映问题 | menu REPORT ──> describe ◄── free text that reads like a complaint (complaint_detect)
    describe: text / voice (recognised text) / photo / video / voice without text / link ... 好了
              (a location message, or a village QR code scanned before: the default place — handlers.shared_items)
        ├─ pinyin only ──> "请用汉字再说一遍" (describe again)
        ├─ greeting / thanks / policy question (nlp gate) ──> an answer; no case, nothing kept
        ├─ category `other` ──> referral (12345), kept for statistics, no case number
        ├─ model leans to `other` while an accused and an act are named, or is unsure
        │     (nlp ask_category) ──> category menu (1..10) ──> place? ──> confirm
        ├─ place unknown or ambiguous (nlp ask_place) ──> place ──> confirm
        └─> confirm "您反映的是南坝镇胡家庄村的低保问题,对吗?"
               1 对 ──> identity     2 ──> category (1..10) ──> confirm     3 ──> place ──> confirm
    identity: 1 实名 ──> phone (valid number | 跳过) ──> filed
              2 匿名 ──> filed (no openid, phone or name stored anywhere)
    filed: case number + the 16-digit receipt, shown once

取消 (handlers.cancel) and 帮助 work at every step; an idle flow expires (dispatcher).
"""
from __future__ import annotations

import re
import uuid
from typing import Any, Coroutine

from bot.dispatch import Inbound, Keyword, Reply, Router, State, StatesGroup, in_state, private_chat
from bot.dispatch.dispatcher import Sender
from bot.dispatch.state import ConversationState
from bot.services import Services
from handlers import report_texts as T
from handlers import lost_drafts, report_again
from handlers.cases.numbers import new_receipt
from handlers.follow import forget_village, scanned_village
from handlers.report_filing import draft_from, file_with_media
from handlers import vocabulary
from nlp.text import is_pinyin_only, visible_length

report_router = Router("report")

MAX_TEXT = 3000  # characters of description kept
MAX_MEDIA = 9
MIN_TEXT = 6
START_WORDS = vocabulary.REPORT
DONE_WORDS = {"好了", "好", "完成", "完了", "说完了", "没有了", "没了", "就这些", "提交", "发完了", "ok"}
YES = {"1", "对", "是", "是的", "对的", "没错", "确认", "嗯", "对了"}
NO = {"不对", "不是", "错了", "不"}
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}\d{7,8})$")
SKIP = {"跳过", "不留", "不用", "不要", "算了不留", "0"}


class Report(StatesGroup):
    describe = State()
    place = State()
    confirm = State()
    category = State()
    identity = State()
    phone = State()


def _plain(text: str) -> str:
    """Typed numbers and words without spaces, punctuation or full-width digits."""
    text = text.translate(str.maketrans("0123456789", "0123456789"))
    return re.sub(r"[\s。.!!??,,、~\uff5e]+", "", text).lower()


async def begin(state: ConversationState, first_text: str = "") -> Reply:
    await state.clear()
    # The draft's id makes its filing idempotent (handlers.cases.filing): one report, whatever the timing
    draft_id = uuid.uuid4().hex
    await state.set(Report.describe, parts=[first_text] if first_text else [], media=[], place_asked=False,
                    draft_id=draft_id)
    await lost_drafts.opened(draft_id, state.subject)
    return Reply.text(T.STARTED_WITH_TEXT if first_text else T.START)


@report_router.text(Keyword(*START_WORDS))
async def start(state: ConversationState) -> Reply:
    return await begin(state)


@report_router.click("REPORT")
async def start_click(state: ConversationState) -> Reply:
    return await begin(state)


MEDIA_KINDS = {"image", "voice", "video"}  # a video (or short video) is evidence like a photo
KEPT = {"image": T.PHOTO_KEPT, "voice": T.VOICE_KEPT, "video": T.VIDEO_KEPT}


@report_router.register(MEDIA_KINDS, Report, lambda m, c: not m.content)
async def media(msg: Inbound, state: ConversationState) -> Reply:
    kept = state.data.get("media", [])
    if not msg.media_id:
        return Reply.text(T.MEDIA_MISSING)
    if len(kept) >= MAX_MEDIA:
        return Reply.text(T.TOO_MANY_FILES)
    await state.update(media=[*kept, {"kind": msg.kind, "media_id": msg.media_id}])
    if state.current != Report.describe.id:
        return Reply.text(T.FILE_KEPT_LATER)
    return Reply.text(KEPT[msg.kind])


@report_router.register(MEDIA_KINDS, in_state(None), private_chat, lambda m, c: not m.content)
async def media_first(msg: Inbound, state: ConversationState) -> Reply:
    """A photo, a video (or an unrecognised voice) sent before any words: it starts a report."""
    if not msg.media_id:
        return Reply.text(T.MEDIA_MISSING)
    await begin(state)
    await state.update(media=[{"kind": msg.kind, "media_id": msg.media_id}])
    return Reply.text(T.MEDIA_FIRST)


# another flow's word typed alone (SPEC: they always work) is never swallowed as part of a description
@report_router.text(Report.describe, lambda m, c: not vocabulary.another_flows_word(_plain(m.content), "report",
                                                                                    prefix=False))
async def describe(msg: Inbound, state: ConversationState, user: Sender, services: Services, registry: Any) -> Reply:
    parts: list[str] = state.data.get("parts", [])
    if _plain(msg.content) in DONE_WORDS:
        # The place a location message settled, else the village whose QR code was scanned (handlers.follow)
        home = state.data.get("home_village") or await scanned_village(user, services) or None
        return await _analyse(state, parts, msg.channel, services, registry, home)
    if parts and parts[-1] == msg.content:  # typed again after an answer that came late: kept once
        return Reply.text(T.MORE)
    room = MAX_TEXT - sum(len(p) for p in parts)
    if room <= 0:
        return Reply.text(T.TOO_LONG)
    await state.update(parts=[*parts, msg.content[:room]])
    return Reply.text(T.MORE if len(msg.content) <= room else T.TOO_LONG)


async def _analyse(state: ConversationState, parts: list[str], channel: str, services: Services,
                   registry: Any, home: str | None = None) -> Reply:
    from nlp import analyze

    text = "\n".join(parts)
    if not text.strip():
        return Reply.text(T.EMPTY)
    if visible_length(text) < MIN_TEXT:  # zero-width or direction-override characters are not words
        return Reply.text(T.TOO_SHORT)
    if is_pinyin_only(text):
        await state.update(parts=[])
        return Reply.text(T.PINYIN)
    a = analyze(text, registry, group_village=home, asked_already=bool(state.data.get("place_asked")))
    found = dict(category=a.category, confidence=a.confidence, keywords=list(a.keywords), township=a.township,
                 village=a.village, level=a.level, exclude=a.exclude_township)
    if a.kind in ("greeting", "thanks", "question"):
        await state.clear()  # nothing was reported: no case, not even for statistics
        return Reply.text(T.answer_for(a.kind))
    if a.category == "other":
        return await _refer(state, {**state.data, **found}, channel, services)
    if a.ask_category:
        # Never turned away: the reporter picks the category; the place is asked after if needed.
        await state.set(Report.category, ask_place_after=a.ask_place, **found)
        return Reply.text(T.ask_category())
    if a.ask_place:
        await state.set(Report.place, place_asked=True, **found)
        return Reply.text(T.ASK_PLACE)
    await state.set(Report.confirm, **found)
    return Reply.text(T.confirm(state.data, registry.place_label(a.township, a.village)))


async def _refer(state: ConversationState, data: dict[str, Any], channel: str, services: Services) -> Reply:
    """Out of scope: kept (anonymous) for statistics, the villager is told where to go instead."""
    from handlers.cases.filing import ReportDraft, file_report

    await file_report(ReportDraft(channel=channel, text="\n".join(data.get("parts", [])), category="other",
                                  confidence=float(data.get("confidence", 0.0)),
                                  keywords=list(data.get("keywords", [])), draft_id=data.get("draft_id")), services)
    await _clear_after_commit(state)
    return Reply.text(T.REFERRAL)


@report_router.text(Report.place)
async def place(msg: Inbound, state: ConversationState, registry: Any) -> Reply:
    from nlp import analyze

    answer = msg.content
    township, village = "", ""
    alone = analyze(answer, registry)
    if alone.village:
        township, village = alone.township, alone.village
    elif alone.township:
        # "东岭镇" answering a report about 石桥村: the township settles which 石桥村.
        both = analyze(f"{answer}。" + "\n".join(state.data.get("parts", [])), registry)
        township = alone.township
        village = both.village if both.township == alone.township else ""
    await state.set(Report.confirm, township=township, village=village, place_asked=True)
    return Reply.text(T.confirm(state.data, registry.place_label(township, village)))


@report_router.text(Report.confirm)
async def confirm(msg: Inbound, state: ConversationState, registry: Any, cipher: Any) -> Reply:
    said = _plain(msg.content)
    if said in YES:
        # The receipt is drawn now and kept sealed with the draft: a repeated filing shows the same one
        await state.set(Report.identity, receipt_enc=cipher.seal(new_receipt()))
        return Reply.text(T.ASK_IDENTITY)
    if said == "2":
        await state.set(Report.category)
        return Reply.text(T.category_menu())
    if said == "3":
        await state.set(Report.place)
        return Reply.text(T.ASK_PLACE)
    if said in NO:
        return Reply.text(T.ASK_WHAT_WRONG)
    data = state.data
    return Reply.text(T.NOT_UNDERSTOOD_CONFIRM + "\n\n" +
                      T.confirm(data, registry.place_label(data.get("township", ""), data.get("village", ""))))


@report_router.text(Report.category)
async def category(msg: Inbound, state: ConversationState, registry: Any) -> Reply:
    said = _plain(msg.content)
    if not said.isdigit() or not 1 <= int(said) <= len(T.CATEGORY_CHOICES):
        return Reply.text(T.BAD_CATEGORY + "\n" + T.category_menu())
    # The reporter's choice is certain; the keywords that named a subsidy no longer apply.
    chosen = T.CATEGORY_CHOICES[int(said) - 1]
    if state.data.get("ask_place_after"):
        await state.set(Report.place, category=chosen, confidence=1.0, keywords=[], ask_place_after=False,
                        place_asked=True)
        return Reply.text(T.ASK_PLACE)
    await state.set(Report.confirm, category=chosen, confidence=1.0, keywords=[])
    data = state.data
    return Reply.text(T.confirm(data, registry.place_label(data.get("township", ""), data.get("village", ""))))


@report_router.text(Report.identity)
async def identity(msg: Inbound, state: ConversationState, user: Sender, services: Services, registry: Any) -> Reply:
    said = _plain(msg.content)
    if said in ("1", "实名"):
        await state.set(Report.phone)
        return Reply.text(T.ASK_PHONE)
    if said in ("2", "匿名"):
        return await _file(msg, state, user, services, registry, anonymous=True)
    return Reply.text(T.NOT_UNDERSTOOD_IDENTITY)


@report_router.text(Report.phone)
async def phone(msg: Inbound, state: ConversationState, user: Sender, services: Services, registry: Any) -> Reply:
    said = _plain(msg.content).replace("-", "").removeprefix("+86")
    if said in SKIP:
        return await _file(msg, state, user, services, registry, anonymous=False)
    if not PHONE_RE.match(said):
        return Reply.text(T.BAD_PHONE)
    return await _file(msg, state, user, services, registry, anonymous=False, phone=said)


async def _file(msg: Inbound, state: ConversationState, user: Sender, services: Services, registry: Any, *,
                anonymous: bool, phone: str | None = None) -> Reply:
    data = state.data
    draft = draft_from(data, msg, anonymous=anonymous, phone=phone,
                       receipt=services.cipher.open(data["receipt_enc"]) if data.get("receipt_enc") else None)
    if (earlier := await report_again.same_report(services, state.subject, draft.text, draft.draft_id)) is not None:
        await lost_drafts.closed(draft.draft_id)  # started over after an answer that never came: filed already
        await _clear_after_commit(state)
        return earlier
    filed = await file_with_media(draft, data.get("media", []), services)
    office = registry.commission_name(filed.case.office) or "县纪委监委"
    reply = Reply.text(T.filed(filed.case.number or "", filed.receipt, office, anonymous))
    # kept before the conversation is cleared: a process dying between the two still answers a repeat
    await report_again.remember(services, state.subject, _plain(msg.content), reply.texts, report=draft.text,
                                draft_id=draft.draft_id)
    await _clear_after_commit(state, forget_village(user, services))  # the scanned village served this report
    return reply


async def _clear_after_commit(state: ConversationState, also: Coroutine[Any, Any, None] | None = None) -> None:
    """After the commit: a failure above leaves the flow where it was, nothing lost. Redis failing
    here must not cost the villager the receipt: the draft stays, and filing it again finds the case."""
    try:
        await state.clear()
        if also is not None:
            await also
            also = None
    except Exception as exc:
        if also is not None:
            also.close()
        import logging

        logging.getLogger("qingfeng.report").warning("filed, but the conversation not cleared: %s",
                                                     type(exc).__name__)


def warm_up(app: Any, services: Services) -> None:
    """A mount (bot.app._mounts): load the nlp model and the registry before the first villager waits on it."""
    import asyncio
    import logging

    async def load(_app: Any) -> None:
        from nlp import load as load_nlp

        await asyncio.to_thread(load_nlp)
        try:
            await services.registry()
        except Exception as exc:  # an empty database: the registry loads with the first message instead
            logging.getLogger("qingfeng.report").info("registry not preloaded: %s", type(exc).__name__)

    app.on_startup.append(load)
