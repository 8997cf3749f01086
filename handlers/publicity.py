"""Publication in the chat: 权力清单, questions about a listed power, 村务公开, 公示, 点题, and
"最近查处了什么" in village groups.

    (private, any state) --权力清单--> the list, numbered     --权力清单 N / 权力清单 低保--> that item
    (private, no flow) --"低保怎么申请" / "宅基地审批要多久"--> the item: steps, time limit, … "回复【举报】"
    (group) --the same question--> the same answer (nothing personal in it)
    (private, any state) --村务公开 [村名]--> village? --known--> the latest disclosures + mini-program link
                                                     └─unknown─> ask_village --村名--> answer
    (private, any state) --公示 [村名]--> the same, with the village's announcements
    (private, any state) --点题--> open round? --yes--> topics ──> pick --N--> voter_village
                                              │                        --村名 / 跳过--> vote counted (once a round)
                                              └─no──> the last round's chosen topics
    (group) --最近查处了什么 / 查处结果--> published outcomes of the group's village, else township, else county

Nothing here reads or writes a villager's identity: a vote is keyed by the sender's subject hash,
the village asked for is used for the answer (and a vote's township) and not kept.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bot.dispatch import STATE_TTL, ConversationState, Flow, Inbound, Keyword, Reply, State, StatesGroup, group_chat, \
    on_text, private_chat
from bot.dispatch.dispatcher import Sender
from handlers.group import ID_OR_PHONE
from handlers.publication import archive, disclosures, outcomes, powers, topics
from handlers.publication import texts as T
from handlers import vocabulary
from nlp.publication import find_village
from storage.models import WechatGroup

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from bot.config import Settings

OUTCOME_QUESTION = re.compile(r"(最近|近期|今年|最新).{0,4}(查处|处理|处分|通报)|查处(了|结果|情况|通报)|典型案例")
SKIP = ("跳过", "不填", "不想填", "不说")
def _own_answer(msg: Inbound, ctx: dict[str, Any]) -> bool:
    """Any flow's start word (this one's too) typed while this flow waits reaches its router."""
    return not vocabulary.another_flows_word(msg.content, own="")


class PublicityFlow(StatesGroup):
    ask_village = State()  # data: want = disclosures | announcements
    pick = State()  # data: round
    voter_village = State()  # data: round, topic


# ---- 小微权力清单 ----

async def power_list(args: str, redis: "Redis") -> Reply:
    listed = await powers.current(redis)
    if not args:
        return Reply.text(powers.list_text(listed))
    item = powers.by_number(listed, int(args)) if args.isascii() and args.isdigit() else listed.items.get(
        (m := listed.index.find(args)) and m.code or "")
    if item is None:
        return Reply.text(f"清单里没有“{args[:20]}”。" + powers.list_text(listed))
    return Reply.text(powers.answer_text(item))


def _question(msg: Inbound, ctx: dict[str, Any]) -> dict[str, Any] | bool:
    if not msg.content or not (msg.in_group or ctx["state"].resting) or msg.normalised in vocabulary.START_WORDS \
            or ID_OR_PHONE.search(msg.content):
        return False
    item = powers.answer_question(msg.content, ctx["services"])
    return {"power": item} if item else False


async def power_question(power: powers.Power) -> Reply:
    return Reply.text(powers.answer_text(power))


# ---- 村务公开, 公示 ----

async def _village_answer(want: str, code: str, settings: "Settings", registry: Any) -> Reply:
    village = registry.villages[code]
    appid = settings.miniapp_appid
    if want == "announcements":
        items = await archive.search(village=code).limit(5)
        link = T.miniapp_link(appid, f"pages/announcements/index?village={code}", "在小程序里查看全部公示")
        return Reply.text(T.announcements_text(village.name, items, link))
    items = await disclosures.latest(code, limit=3)
    late = await disclosures.late_villages(township=village.township)
    link = T.miniapp_link(appid, f"pages/disclosures/index?village={code}", "在小程序里查看公开全文")
    return Reply.text(T.disclosures_text(village.name, items, [x for x in late if x.village == code], link))


async def _ask_or_answer(want: str, args: str, state: ConversationState, settings: "Settings",
                         registry: Any) -> Reply:
    choice = find_village(args, registry) if args else None
    if choice and choice.code:
        await state.clear()
        return await _village_answer(want, choice.code, settings, registry)
    await state.clear()
    await state.set(PublicityFlow.ask_village, want=want)
    if choice and choice.ambiguous:
        return Reply.text(_ambiguous(choice.candidates, registry))
    return Reply.text(T.ASK_VILLAGE)


def _ambiguous(candidates: tuple[str, ...], registry: Any) -> str:
    examples = "、".join(f"“{registry.townships[registry.township_of(c)].name}{registry.villages[c].name}”"
                        for c in candidates)
    return T.AMBIGUOUS.format(examples=examples)


def _keyword(*words: str) -> Any:
    """The word alone, or the word then a separator and a place ("公示 石桥村"); not "公示期多久"."""
    pattern = re.compile(r"^\s*(?:" + "|".join(map(re.escape, words)) + r")(?:[\s:：,，]+(.*))?$")

    def check(msg: Inbound, ctx: dict[str, Any]) -> dict[str, Any] | bool:
        m = pattern.match(msg.content or "")
        return {"args": (m.group(1) or "").strip()} if m else False

    return check


async def village_affairs(args: str, state: ConversationState, settings: "Settings", registry: Any) -> Reply:
    return await _ask_or_answer("disclosures", args, state, settings, registry)


async def notices(args: str, state: ConversationState, settings: "Settings", registry: Any) -> Reply:
    return await _ask_or_answer("announcements", args, state, settings, registry)


async def village_named(msg: Inbound, state: ConversationState, settings: "Settings", registry: Any) -> Reply:
    choice = find_village(msg.content, registry)
    if choice.ambiguous:
        return Reply.text(_ambiguous(choice.candidates, registry))
    if not choice.code:
        return Reply.text(T.UNKNOWN_VILLAGE)
    want = state.data.get("want", "disclosures")
    await state.clear()
    return await _village_answer(want, choice.code, settings, registry)


# ---- 群众点题 ----

async def topic_round(state: ConversationState, user: Sender) -> Reply:
    r = await topics.open_round()
    if r is None:
        last = await topics.last_closed()
        return Reply.text(T.chosen_text(last, await topics.topics_of(last)) if last else T.NO_ROUND)
    if await topics.has_voted(r, user.subject):
        return Reply.text(T.ALREADY)
    await state.clear()
    await state.set(PublicityFlow.pick, round=r.id)
    return Reply.text(T.round_text(r, await topics.topics_of(r)))


async def _round(state: ConversationState) -> Any:
    from storage.models.publication import TopicRound

    return await TopicRound.get_or_none(id=state.data.get("round", 0))


async def topic_picked(msg: Inbound, state: ConversationState) -> Reply:
    r = await _round(state)
    if r is None:
        await state.clear()
        return Reply.text(T.NO_ROUND)
    items = await topics.topics_of(r)
    m = re.fullmatch(r"\s*(?:第|选)?\s*(\d{1,2})\s*(?:个|号|题)?\s*", msg.content)
    picked = next((t for t in items if t.title == msg.content.strip()), None)
    if m and 1 <= int(m.group(1)) <= len(items):
        picked = items[int(m.group(1)) - 1]
    if picked is None:
        return Reply.text(T.NOT_A_TOPIC.format(n=len(items)))
    await state.set(PublicityFlow.voter_village, round=r.id, topic=picked.id, title=picked.title)
    return Reply.text(T.ASK_VOTER_VILLAGE.format(topic=picked.title))


async def voter_village(msg: Inbound, state: ConversationState, user: Sender, registry: Any) -> Reply:
    township = ""
    if msg.content.strip() not in SKIP:
        choice = find_village(msg.content, registry)
        if choice.ambiguous:
            return Reply.text(_ambiguous(choice.candidates, registry))
        if not choice.code:
            return Reply.text(T.UNKNOWN_VILLAGE.replace("【取消】退出", "【跳过】不填"))
        township = registry.township_of(choice.code)
    r = await _round(state)
    data = dict(state.data)
    await state.clear()
    if r is None:
        return Reply.text(T.NO_ROUND)
    result = await topics.vote(r, int(data["topic"]), user.subject, township=township, channel=msg.channel)
    return Reply.text({topics.VoteOutcome.COUNTED: T.VOTED.format(topic=data.get("title", "")),
                       topics.VoteOutcome.ALREADY: T.ALREADY, topics.VoteOutcome.CLOSED: T.CLOSED}
                      .get(result, T.NO_ROUND))


# ---- 查处结果 in village groups ----

def _outcome_question(msg: Inbound, ctx: dict[str, Any]) -> bool:
    return bool(OUTCOME_QUESTION.search(msg.content)) and not ID_OR_PHONE.search(msg.content)


async def group_outcomes(msg: Inbound, registry: Any) -> Reply:
    group = await WechatGroup.get_or_none(chat_id=msg.chat_id)
    village = registry.villages.get(group.village_id) if group else None  # type: ignore[attr-defined]
    rows: list[Any] = []
    for scope in ({"village": village.code}, {"township": village.township}) if village else ():
        rows = await outcomes.published(**scope).limit(5)
        if rows:
            break
    rows = rows or await outcomes.published().limit(5)
    if not rows:
        return Reply.text(T.NO_OUTCOMES)
    return Reply.text("\n".join(["【最近公开的查处结果】",
                                 *(outcomes.line(outcomes.public(o, registry)) for o in rows),
                                 T.GROUP_OUTCOMES_FOOT]))


# Flow table: state -> what it waits for -> where it goes.
#   (none)          权力清单 [N|词] -> (none) · question about a power -> (none)
#   (none)          村务公开 / 公示 [村名] -> (none) when the village is known, else ask_village
#   ask_village     村名 -> (none) (answer) · unknown / ambiguous -> ask_village
#   (none)          点题 -> pick (open round, not yet voted) · (none) otherwise
#   pick            编号 -> voter_village · anything else -> pick
#   voter_village   村名 / 跳过 -> (none) (vote counted once per round) · unknown -> voter_village
#   any             取消 -> (none) (handlers.cancel)


FLOW = Flow(
    "publicity",
    entry_points=[
        on_text(power_list, Keyword(*vocabulary.POWERS, prefix=True), private_chat),
        on_text(power_question, _question),  # free text: "低保怎么申请" (private, no flow; or a group)
        on_text(village_affairs, _keyword(*vocabulary.DISCLOSURES), private_chat),
        on_text(notices, _keyword(*vocabulary.ANNOUNCEMENTS), private_chat),
        {PublicityFlow.ask_village: [on_text(village_named, private_chat, _own_answer)]},  # kept before 点题
        on_text(topic_round, Keyword(*vocabulary.TOPICS), private_chat),
    ],
    states={
        PublicityFlow.pick: [on_text(topic_picked, private_chat, _own_answer)],
        PublicityFlow.voter_village: [on_text(voter_village, private_chat, _own_answer)],
    },
    fallbacks=[on_text(group_outcomes, group_chat, _outcome_question)],  # groups: 最近查处了什么
    exits=vocabulary.words_of_other_flows(""),  # `_own_answer`: every flow's start word, this one's too
    timeout=STATE_TTL,
)
publicity_router = FLOW.router()
