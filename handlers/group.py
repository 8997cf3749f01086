"""Village groups (WeCom messages with a ChatId): a public place, so nothing personal is handled here.

    ID number / phone number ──> short privacy warning (not processed, not stored, not echoed)
    举报 / 查补贴 / 查询进度 / 我的举报 ──> invitation to a private chat
    a general question (how to report, anonymity, deadlines, subsidies, receipts) ──> FAQ answer,
        naming the office of the group's village when the group is bound (core WechatGroup)
    有没有公示 / 公示在哪 / 公示 ──> the titles of the bound village's latest 公示 (what the group was sent anyway)
    text that reads like a report ──> warning + invitation, nothing filed
    anything else ──> silence (the bot does not chat in groups)
"""
from __future__ import annotations

import re
from typing import Any

from bot.dispatch import Flow, Inbound, Reply, group_chat, on_message
from handlers import vocabulary
from handlers.complaint_detect import looks_like_complaint
from handlers.help import GROUP_HELP_TEXT
from storage.models import WechatGroup

ID_OR_PHONE = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?![\dXx])")
PRIVACY = ("为保护您的隐私,请不要在群里发身份证号、手机号等个人信息,机器人不会处理。"
           "查补贴、举报请私聊本公众号。")
INVITE = "这件事涉及个人信息,请私聊本公众号办理(回复【举报】【查补贴】或【查询进度】),群里不处理。"
REPORT_IN_GROUP = ("反映问题请私聊本公众号,回复【举报】,可以匿名。群里说的不会被登记,"
                   "为保护您自己,请不要在群里说具体的人和事。")
# The private flows' start words (handlers/vocabulary.py) get the invitation; the help words the group's help.
PRIVATE_WORDS = vocabulary.REPORT + vocabulary.SUBSIDY + vocabulary.FOLLOWUP + vocabulary.MY_REPORTS + vocabulary.RATING
DEADLINES = "{deadlines}"  # filled from the county's settings (handlers.cases.deadlines): they can change

FAQ: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"匿名|保密|报复|泄露|暴露|会不会.{0,8}(知道|发现|查到)|知道是我|查到是我|不敢(举报|反映)"),
     "举报不经过村干部,直接送到乡镇纪委或县纪委监委,被反映的人看不到是谁反映的。可以匿名,不留任何身份信息;"
     "实名的身份也加密保存。请私聊本公众号回复【举报】,不要在群里说具体的人和事。"),
    (re.compile(r"多久|多长时间|几天|期限|什么时候.*(结果|答复|回复)"), DEADLINES),
    (re.compile(r"补贴.*(查|多少)|查.*(补贴|低保|惠民)|惠民资金"),
     "查本人领取的惠民补贴,请私聊本公众号回复【查补贴】,按提示输入身份证号和姓名。请不要在群里发身份证号。"),
    (re.compile(r"回执|进度|查.*结果"),
     "提交举报后会给一个16位回执码,私聊本公众号回复【查询进度】并发送回执码即可查看办理情况。"),
    (re.compile(r"什么.*(问题|事).*(能|可以).*(举报|反映)|受理范围|管不管"),
     "可以反映村、镇干部的问题:克扣或冒领补贴、优亲厚友、集体资金账目、征地补偿、工程项目、吃拿卡要、"
     "公款吃喝、不作为、村务不公开等。邻里纠纷、水电、工资等请打12345。"),
    (re.compile(r"(怎么|如何|在哪|哪里).*(举报|反映|投诉)|(举报|反映).*(怎么|如何)"), ""),  # answered with the office
]
PUBLICITY_QUESTION = re.compile(r"^(公示|看公示|查公示|村务公开)$|(有没有|有无|在哪|哪里|怎么看|怎么查|什么时候).{0,6}(公示|公开)"
                                r"|(公示|公开).{0,6}(吗|没有|在哪|哪里|怎么看)")
NO_PUBLICITY = "本村暂时没有公示记录。公示发布后会发到本群,也可以私聊本公众号回复【公示】查看。"
PUBLICITY_UNBOUND = "公示会发到村里的群。私聊本公众号回复【公示】并说村名,可以查看本村的公示;回复【村务公开】看账目公开。"
PUBLICITY_SHOWN = 3


def _village_of(group: WechatGroup | None, registry: Any) -> Any:
    return registry.villages.get(group.village_id) if group else None  # type: ignore[attr-defined]


async def _publicity(chat_id: str, registry: Any) -> str:
    """Titles and dates of the latest 公示 the county sent this village: public already, nobody's data in them."""
    from handlers.publication import archive

    group = await WechatGroup.get_or_none(chat_id=chat_id)
    village = _village_of(group, registry)
    if village is None:
        return PUBLICITY_UNBOUND
    items = await archive.search(village=group.village_id).limit(PUBLICITY_SHOWN)  # type: ignore[union-attr]
    if not items:
        return NO_PUBLICITY
    lines = [f"{village.name}最近的公示:"] + [f"{a.sent_at:%Y-%m-%d} {a.title or '公示'}" for a in items]
    return "\n".join(lines + ["私聊本公众号回复【公示】可以看全文。"])


async def _office_line(chat_id: str, registry: Any) -> str:
    village = _village_of(await WechatGroup.get_or_none(chat_id=chat_id), registry)
    if village is None:
        return ""
    office = registry.county_commission if village.elevated else registry.commission_name(village.township)
    return f"本村({village.name})的问题由{office}受理。"


async def _deadlines_line() -> str:
    from handlers.cases.deadlines import working_days

    accept, resolve = await working_days("*", "accept"), await working_days("*", "resolve")
    return (f"一般{accept}个工作日内决定是否受理,受理后{resolve}个工作日内办结(个别类别另有规定);"
            "超期会由县纪委监委督办。")


async def in_group(msg: Inbound, registry: Any) -> Reply:
    text = msg.content
    if not text:
        return Reply.empty()
    compact = re.sub(r"[\s-]", "", text)
    if ID_OR_PHONE.search(compact):
        return Reply.text(PRIVACY)
    if compact.lower() in vocabulary.HELP:
        return Reply.text(GROUP_HELP_TEXT)
    if compact in PRIVATE_WORDS:
        return Reply.text(INVITE)
    if PUBLICITY_QUESTION.search(compact.rstrip("?\uff1f。!\uff01")):
        return Reply.text(await _publicity(msg.chat_id, registry))
    for pattern, answer in FAQ:
        if pattern.search(compact):
            if not answer:
                answer = ("反映问题请私聊本公众号,回复【举报】,按提示说明情况,可以匿名。"
                          + await _office_line(msg.chat_id, registry))
            elif answer == DEADLINES:
                answer = await _deadlines_line()
            return Reply.text(answer)
    if looks_like_complaint(compact):
        return Reply.text(REPORT_IN_GROUP)
    return Reply.empty()


FLOW = Flow(
    "group",
    entry_points=[on_message(in_group, group_chat)],  # every group message: nothing personal goes further
    states={},
    fallbacks=[],
    exits=(),
    timeout=None,
)
group_router = FLOW.router()
