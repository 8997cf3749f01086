"""The eleven fixed report categories of SPEC "Report categories"."""
from __future__ import annotations

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
