"""Comparison clues about different people read alike; they must not be linked as one complaint."""
from __future__ import annotations

from typing import Any

from handlers.cases.filing import ReportDraft, file_report

TEXT = "比对疑点:重复发放。胡家庄村 农村低保 2026年3月 同一身份证号 6107**********0010 领取2次,合计3120.00元。"


async def test_comparison_clues_are_not_linked_to_each_other(registry_loaded: Any) -> None:
    services = registry_loaded
    draft = dict(text=TEXT, category="subsidy_fraud", township="610798101", village="610798101201",
                 level="unknown", actor="system")
    first = await file_report(ReportDraft(channel="compare", **draft), services)
    second = await file_report(ReportDraft(channel="compare", **draft), services)
    await second.case.refresh_from_db()
    assert second.case.linked_to_id is None and second.case.priority == 0
    # the same text from villagers is one complaint raised twice: linked, priority up
    a = await file_report(ReportDraft(channel="mp", **{**draft, "actor": "reporter"}), services)
    b = await file_report(ReportDraft(channel="mp", **{**draft, "actor": "reporter"}), services)
    await b.case.refresh_from_db()
    assert b.case.linked_to_id is not None and a.case.id != b.case.id
