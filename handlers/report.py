"""举报 / 反映问题: describe, confirm category and place, 实名 or 匿名, file.

    举报 | 反映问题 | menu REPORT ──> describe ◄── free text that reads like a complaint (complaint_detect)
    describe: text / voice (its recognised text, and the sound kept) / photo / video / voice without text / link ... 好了
              (a voice WeChat did not recognise: kept, and the villager is asked to type a line too)
              (a location message, or a village QR code scanned before: the default place — handlers.shared_items)
        ├─ only voices nobody could read ──> "请用文字简单写一句" (describe again; the voices stay)
        ├─ pinyin only ──> "请用汉字再说一遍" (describe again)
        ├─ greeting / thanks / policy question (nlp gate) ──> an answer; no case, nothing kept
        ├─ category `other` ──> referral (12345), kept for statistics, no case number
        ├─ model leans to `other` while an accused and an act are named, or is unsure
        │     (nlp ask_category) ──> category menu (1..10) ──> place? ──> confirm
        ├─ place unknown or ambiguous (nlp ask_place) ──> place ──> confirm
        └─> confirm "您反映的是南坝镇胡家庄村的低保问题,对吗?"
               1 对 ──> questions     2 ──> category (1..10) ──> confirm     3 ──> place ──> confirm
    questions: the category's one or two (nlp.categories.CATEGORY_QUESTIONS), each answered or 跳过 ──> identity
    identity: 1 实名 ──> name (或 跳过) ──> phone (valid number | 跳过) ──> filed
              2 匿名 ──> filed (no openid, phone or name stored anywhere)
    filed: case number + the 16-digit receipt, shown once
    (questions, identity, name, phone and filing: handlers.report_details)

取消 (handlers.cancel) and 帮助 work at every step; an idle flow expires (dispatcher).
"""
from __future__ import annotations

import re
import uuid
from typing import Any

from bot.dispatch import STATE_TTL, Flow, Inbound, Keyword, Reply, State, StatesGroup, in_state, on_click, on_media, \
    on_text, private_chat
from bot.dispatch.dispatcher import Sender
from bot.dispatch.state import ConversationState
from bot.services import Services
from handlers import report_texts as T
from handlers import lost_drafts
from handlers.cases.numbers import new_receipt
from handlers.follow import scanned_village
from handlers.report_filing import clear_after_commit
from handlers import vocabulary
from nlp.text import is_pinyin_only, visible_length

MAX_TEXT = 3000  # characters of description kept
MAX_MEDIA = 9
MIN_TEXT = 6
START_WORDS = vocabulary.REPORT
DONE_WORDS = {"好了", "好", "完成", "完了", "说完了", "没有了", "没了", "就这些", "提交", "发完了", "ok"}
YES = {"1", "对", "是", "是的", "对的", "没错", "确认", "嗯", "对了"}
NO = {"不对", "不是", "错了", "不"}


class Report(StatesGroup):
    describe = State()
    place = State()
    confirm = State()
    category = State()
    questions = State()
    identity = State()
    name = State()
    phone = State()


def plain(text: str) -> str:
    """Typed numbers and words without spaces, punctuation or full-width digits."""
    text = text.translate(str.maketrans("0123456789", "0123456789"))
    return re.sub(r"[\s。.!!??,,、~\uff5e]+", "", text).lower()


def voice_kept(msg: Inbound) -> list[dict[str, str]]:
    """A recognised voice is evidence too: its sound is kept beside the words WeChat heard (dialects)."""
    if msg.kind != "voice" or not msg.media_id:
        return []
    return [{"kind": "voice", "media_id": msg.media_id, "transcript": msg.recognition.strip()}]


async def begin(state: ConversationState, first_text: str = "", media: list[dict[str, str]] | None = None) -> Reply:
    await state.clear()
    # The draft's id makes its filing idempotent (handlers.cases.filing): one report, whatever the timing
    draft_id = uuid.uuid4().hex
    await state.set(Report.describe, parts=[first_text] if first_text else [], media=list(media or []),
                    place_asked=False, draft_id=draft_id)
    await lost_drafts.opened(draft_id, state.subject)
    return Reply.text(T.STARTED_WITH_TEXT if first_text else T.START)


async def start(state: ConversationState) -> Reply:
    return await begin(state)


async def start_click(state: ConversationState) -> Reply:
    return await begin(state)


MEDIA_KINDS = {"image", "voice", "video"}  # a video (or short video) is evidence like a photo
KEPT = {"image": T.PHOTO_KEPT, "voice": T.VOICE_UNRECOGNISED, "video": T.VIDEO_KEPT}


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


async def media_first(msg: Inbound, state: ConversationState) -> Reply:
    """A photo, a video (or an unrecognised voice) sent before any words: it starts a report."""
    if not msg.media_id:
        return Reply.text(T.MEDIA_MISSING)
    await begin(state, media=[{"kind": msg.kind, "media_id": msg.media_id}])
    return Reply.text(T.VOICE_FIRST if msg.kind == "voice" else T.MEDIA_FIRST)


def _not_another_flow(msg: Inbound, ctx: dict[str, Any]) -> bool:
    """Another flow's word typed alone (SPEC: they always work) is never swallowed as part of a description."""
    return not vocabulary.another_flows_word(plain(msg.content), "report", prefix=False)


async def describe(msg: Inbound, state: ConversationState, user: Sender, services: Services, registry: Any) -> Reply:
    parts: list[str] = state.data.get("parts", [])
    if plain(msg.content) in DONE_WORDS:
        # The place a location message settled, else the village whose QR code was scanned (handlers.follow)
        home = state.data.get("home_village") or await scanned_village(user, services.redis) or None
        return await _analyse(state, parts, msg.channel, services, registry, home)
    if parts and parts[-1] == msg.content:  # typed again after an answer that came late: kept once
        return Reply.text(T.MORE)
    room = MAX_TEXT - sum(len(p) for p in parts)
    if room <= 0:
        return Reply.text(T.TOO_LONG)
    media = state.data.get("media", [])
    kept = voice_kept(msg) if len(media) < MAX_MEDIA else []
    await state.update(parts=[*parts, msg.content[:room]], media=[*media, *kept])
    if len(msg.content) > room:
        return Reply.text(T.TOO_LONG)
    return Reply.text(T.voice_heard(msg.content) if msg.kind == "voice" else T.MORE)


async def _analyse(state: ConversationState, parts: list[str], channel: str, services: Services,
                   registry: Any, home: str | None = None) -> Reply:
    from nlp import analyze

    text = "\n".join(parts)
    if not text.strip():
        voices = any(m.get("kind") == "voice" for m in state.data.get("media", []))
        return Reply.text(T.VOICE_ONLY if voices else T.EMPTY)
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
    await clear_after_commit(state)
    return Reply.text(T.REFERRAL)


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


async def confirm(msg: Inbound, state: ConversationState, registry: Any, cipher: Any) -> Reply:
    said = plain(msg.content)
    if said in YES:
        from handlers.report_details import confirmed

        # The receipt is drawn now and kept sealed with the draft: a repeated filing shows the same one
        await state.update(receipt_enc=cipher.seal(new_receipt()))
        return await confirmed(state)
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


async def category(msg: Inbound, state: ConversationState, registry: Any) -> Reply:
    said = plain(msg.content)
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


FLOW = Flow(
    "report",
    entry_points=[  # also started by free text (handlers.complaint_detect) and 续报 (handlers.supplement)
        on_text(start, Keyword(*START_WORDS)),
        on_click("REPORT", start_click),
        {Report: [on_media(MEDIA_KINDS, media, lambda m, c: not m.content)]},  # a file, at any step
        on_media(MEDIA_KINDS, media_first, in_state(None), private_chat, lambda m, c: not m.content),
    ],
    states={  # questions, identity, name, phone: handlers.report_details
        Report.describe: [on_text(describe, _not_another_flow)],
        Report.place: [on_text(place)],
        Report.confirm: [on_text(confirm)],
        Report.category: [on_text(category)],
    },
    fallbacks=[],
    exits=vocabulary.ANY_STEP,
    timeout=STATE_TTL,
)
report_router = FLOW.router()
