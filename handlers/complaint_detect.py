"""Free text outside any flow: a complaint starts the report flow with that text as its first part;
a greeting, thanks or a policy question gets an answer; pinyin is asked for in characters.

    (no flow, private chat) "村会计把低保钱扣了" ──> report.describe (text kept) ──> 好了 ──> …
    (no flow, private chat) "请问低保怎么申请" / "你好" / "谢谢" ──> an answer (no case)
    (no flow, private chat) "cun zhang kou le wo de di bao" ──> "请用汉字再说一遍"

Tried last among the routers: keywords and flows have had their turn.
"""
from __future__ import annotations

import re

from bot.dispatch import Flow, Inbound, Reply, on_text
from bot.dispatch.state import ConversationState

MIN_CHARS = 6
MIN_CONFIDENCE = 0.6
# Words that name an official or a wrong: enough on their own when the model hesitates.
CUES = re.compile(r"(书记|支书|村长|主任|会计|村干部|镇干部|干部|文书|克扣|扣了|贪|挪用|冒领|套取|红包|好处费|"
                  r"吃拿卡要|优亲厚友|不公开|虚报|索要|公款)")


def looks_like_complaint(text: str) -> bool:
    """A complaint about officials, not a greeting, a question or an out-of-scope matter."""
    from nlp import classify_category

    compact = re.sub(r"\s", "", text)
    if len(compact) < MIN_CHARS:
        return False
    result = classify_category(compact)
    if result.category == "other":
        return False
    return result.confidence >= MIN_CONFIDENCE or bool(CUES.search(compact))


def _not_a_tip(msg: Inbound, ctx: dict) -> dict | bool:
    from nlp import gate
    from nlp.text import normalize

    if not ctx["state"].resting or msg.in_group or not msg.content:  # no flow, or one resting on its result
        return False
    kind = gate.read(normalize(msg.content)).kind
    return {"kind": kind} if kind in ("greeting", "thanks", "question") else False


async def answer(kind: str) -> Reply:
    from handlers import report_texts as T

    return Reply.text(T.answer_for(kind))


def _pinyin(msg: Inbound, ctx: dict) -> bool:
    from nlp.text import is_pinyin_only

    return ctx["state"].resting and not msg.in_group and is_pinyin_only(msg.content or "")


async def pinyin() -> Reply:
    from handlers import report_texts as T

    return Reply.text(T.PINYIN)


def _complaint(msg: Inbound, ctx: dict) -> bool:
    return ctx["state"].resting and not msg.in_group and looks_like_complaint(msg.content)


async def complaint(msg: Inbound, state: ConversationState) -> Reply:
    from handlers.report import begin, voice_kept

    return await begin(state, msg.content, voice_kept(msg))


FLOW = Flow(
    "complaint",
    entry_points=[on_text(answer, _not_a_tip), on_text(pinyin, _pinyin), on_text(complaint, _complaint)],
    states={},  # a complaint goes on in the report flow's describe (handlers.report)
    fallbacks=[],
    exits=(),
    timeout=None,
)
complaint_router = FLOW.router()
