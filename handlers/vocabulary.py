"""The chat's words, the one place: each flow's start words (SPEC "Chat keywords that always work in a private
chat" among them), so a flow waiting for an answer lets another flow's word through instead of swallowing it.

A flow's module uses its own entry here in its Keyword filters; `another_flows_word` is what its waiting
states ask before taking a text as their answer.
"""
from __future__ import annotations

from bot.dispatch.message import normalise_keyword

CANCEL = ("取消", "退出", "算了", "不举报了", "不说了", "撤销", "cancel")
HELP = ("帮助", "菜单", "help", "?", "？", "怎么用")
REPORT = ("举报", "反映问题", "我要举报", "我要反映", "反映", "投诉")
FOLLOWUP = ("查询进度", "查进度", "查案件")
MY_REPORTS = ("我的举报", "我的反映", "我举报的")
RATING = ("评价",)
SUBSIDY = ("查补贴", "查询补贴", "补贴查询", "查惠民资金")
WHO_LOOKED = ("谁查过我", "谁查了我", "查询记录")
POWERS = ("权力清单", "小微权力清单", "权力清单查询")
DISCLOSURES = ("村务公开", "财务公开", "三资公开", "查村务公开")
ANNOUNCEMENTS = ("公示", "看公示", "公示公告", "查公示")
TOPICS = ("点题", "群众点题", "我要点题")

# Words that work at any step of every flow: their routers (cancel, publicity, help, subsidy) are tried before
# the flows' states (handlers.routers()); a flow's FLOW table names them among its exits.
ANY_STEP = CANCEL + HELP + SUBSIDY + WHO_LOOKED + POWERS + DISCLOSURES + ANNOUNCEMENTS + TOPICS

FLOWS: dict[str, tuple[str, ...]] = {
    "cancel": CANCEL, "help": HELP, "report": REPORT, "followup": FOLLOWUP, "myreports": MY_REPORTS,
    "rating": RATING, "subsidy": SUBSIDY + WHO_LOOKED, "publicity": POWERS + DISCLOSURES + ANNOUNCEMENTS + TOPICS,
}


# Every start word as the Keyword filter compares it: a text that is one of them is that flow's, never a question
START_WORDS = frozenset(normalise_keyword(w) for words in FLOWS.values() for w in words)


def words_of_other_flows(own: str) -> tuple[str, ...]:
    return tuple(w for flow, words in FLOWS.items() if flow != own for w in words)


def another_flows_word(text: str, own: str, *, prefix: bool = True) -> bool:
    """Whether `text` is (or, with `prefix`, starts with) a start word of a flow other than `own`."""
    text = (text or "").strip()
    words = words_of_other_flows(own)
    return text.startswith(words) if prefix else text in words
