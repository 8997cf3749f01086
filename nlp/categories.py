"""The eleven fixed report categories of SPEC "Report categories", and the questions each asks after the description."""
from __future__ import annotations

from dataclasses import dataclass

CATEGORY_IDS: tuple[str, ...] = (
    "subsidy_fraud",
    "favoritism",
    "collective_assets",
    "land_compensation",
    "project_bidding",
    "bribery_extortion",
    "eight_rules",
    "work_style",
    "disclosure",
    "misconduct_other",
    "other",
)

CATEGORY_NAMES: dict[str, str] = {
    "subsidy_fraud": "惠民惠农资金问题",
    "favoritism": "优亲厚友",
    "collective_assets": "村集体“三资”",
    "land_compensation": "征地拆迁补偿",
    "project_bidding": "工程项目与招投标",
    "bribery_extortion": "吃拿卡要、索贿受贿",
    "eight_rules": "违反中央八项规定精神",
    "work_style": "形式主义官僚主义、作风问题",
    "disclosure": "党务村务公开",
    "misconduct_other": "其他违纪违法问题",
    "other": "其他（不属受理范围）",
}

OTHER = "other"


@dataclass(frozen=True)
class Question:
    """One optional question a category asks after the description (GlobaLeaks' questionnaires)."""

    id: str  # unique among all categories: the key of the answer kept with the case and in the API
    ask: str  # what the chat and the mini-program ask the villager
    label: str  # what staff read beside the answer on the case page


# What staff need to check a report of each category that a description often leaves out. Answers may
# name people (a household, a relative), so they are kept sealed with the case. `other` asks nothing.
CATEGORY_QUESTIONS: dict[str, tuple[Question, ...]] = {
    "subsidy_fraud": (Question("subsidy_household", "是哪一户的钱?(户主姓名,或说“我家”)", "涉及哪一户"),
                      Question("subsidy_year", "是哪一年(或哪几个月)的钱?", "涉及年份")),
    "favoritism": (Question("favoritism_who", "照顾的是谁?和哪位干部是什么关系?", "受照顾的人及关系"),
                   Question("favoritism_year", "是哪一年评的或分的?", "涉及年份")),
    "collective_assets": (Question("assets_item", "是哪项集体资产或收入?(如哪块地、鱼塘、承包费)", "涉及的集体资产"),
                          Question("assets_amount", "大概涉及多少钱?", "涉及金额")),
    "land_compensation": (Question("land_project", "是哪个征地或拆迁项目?", "征地拆迁项目"),
                          Question("land_mu", "涉及多少亩地(或几户)?", "涉及面积(亩)或户数")),
    "project_bidding": (Question("project_name", "是哪个工程?(名称或在哪里)", "工程项目"),
                        Question("project_year", "大概是哪一年的工程?", "工程年份")),
    "bribery_extortion": (Question("bribery_matter", "办的是什么事?(如盖章、办证、审批)", "所办事项"),
                          Question("bribery_amount", "给了多少钱,或什么东西?", "钱物及金额")),
    "eight_rules": (Question("rules_when_where", "大概是什么时间、在什么地方?", "时间、地点"),),
    "work_style": (Question("style_matter", "办的是什么事?拖了多久?", "所办事项及拖延时间"),),
    "disclosure": (Question("disclosure_items", "哪些事项没有公开?(如财务、低保名单、工程)", "未公开的事项"),),
    "misconduct_other": (Question("misconduct_when", "大概是什么时间发生的?", "发生时间"),),
}
QUESTIONS: dict[str, Question] = {q.id: q for qs in CATEGORY_QUESTIONS.values() for q in qs}
MAX_ANSWER = 200  # characters of one answer kept
