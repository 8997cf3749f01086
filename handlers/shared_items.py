"""What villagers share that is not words: a location, a link, a mini-program card.

    location, report in progress ──> the village it names is the report's place
        (in the place step: settles it and goes to confirm; else the default place when analysed)
    location, no report ──> "收到位置" + how to report (the village is not kept: no report asked for it)
    link, report in progress (describe) ──> kept with the description (title and address)
    link / mini-program card, otherwise ──> what to do instead, in words

A location's label is an address ("…南坝镇胡家庄村委会附近"): the registry's names in it settle the
village, as a typed answer would (nlp.analyze); coordinates alone settle nothing (the registry has none).
"""
from __future__ import annotations

from typing import Any

from bot.dispatch import STATE_TTL, Flow, Inbound, Reply, in_state, on_media, private_chat
from bot.dispatch.state import ConversationState
from handlers import report_texts as T
from handlers.report import MAX_TEXT, Report

LOCATION_NO_REPORT = "收到您的位置。要反映问题请回复【举报】,再发位置就能自动填上是哪个村。"
LOCATION_KEPT = "收到位置:{place}。会作为反映的地点。说完了请回复【好了】。"
LOCATION_UNKNOWN = "从这个位置没能认出是哪个村。请用文字说一下乡镇和村的名字(例如:南坝镇胡家庄村)。"
LINK_KEPT = "链接收到了,会和您的反映一起提交。说完了请回复【好了】。"
LINK_NO_REPORT = "收到链接。要反映问题请回复【举报】,用文字或语音说清楚哪个村、哪位干部、做了什么事。"
CARD = "收到小程序卡片。也可以直接在这里回复【举报】反映问题,或回复【帮助】查看可以做什么。"


def _village_of(label: str, registry: Any) -> tuple[str, str]:
    from nlp import analyze

    if not label.strip():
        return "", ""
    found = analyze(label, registry)
    return (found.township, found.village) if found.village else ("", "")


async def location_in_report(msg: Inbound, state: ConversationState, registry: Any) -> Reply:
    township, village = _village_of(msg.title, registry)
    if not village:
        return Reply.text(LOCATION_UNKNOWN)
    place = registry.place_label(township, village)
    if state.current == Report.place.id:  # the answer to "哪个村?"
        await state.set(Report.confirm, township=township, village=village, place_asked=True)
        return Reply.text(T.confirm(state.data, place))
    await state.update(home_village=village)
    if state.current != Report.describe.id:
        return Reply.text(T.FILE_KEPT_LATER)
    return Reply.text(LOCATION_KEPT.format(place=place))


async def location_alone(msg: Inbound) -> Reply:
    return Reply.text(LOCATION_NO_REPORT)


async def link_in_report(msg: Inbound, state: ConversationState) -> Reply:
    url = str(msg.raw.get("Url") or "")
    parts: list[str] = state.data.get("parts", [])
    line = f"[链接] {msg.title} {url}".strip()
    if sum(len(p) for p in parts) + len(line) > MAX_TEXT:
        return Reply.text(T.TOO_LONG)
    await state.update(parts=[*parts, line])
    return Reply.text(LINK_KEPT)


async def link_alone(msg: Inbound) -> Reply:
    return Reply.text(LINK_NO_REPORT)


async def card(msg: Inbound) -> Reply:
    return Reply.text(CARD)


FLOW = Flow(
    "shared",
    entry_points=[  # the report flow's states, kept in place between the answers outside it
        {Report: [on_media({"location"}, location_in_report, private_chat)]},
        on_media({"location"}, location_alone, in_state(None), private_chat),
        {Report.describe: [on_media({"link"}, link_in_report, private_chat)]},
        on_media({"link"}, link_alone, in_state(None), private_chat),
        on_media({"miniprogrampage"}, card, private_chat),
    ],
    states={},
    fallbacks=[],
    exits=(),  # a location or link is never a word: the report flow's own exits apply
    timeout=STATE_TTL,
)
shared_router = FLOW.router()
