"""The records behind a finding, masked: for the clue text and the panel's drill-down.

Names and ID numbers are opened from their sealed copies and masked at once
(胡*山, 6107**********0010); nothing unmasked leaves this module.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Callable

from handlers.compare.rule import Rule
from nlp.idcard import mask_id, mask_name
from storage.crypto import DecryptionError, PersonalDataCipher
from storage.models import SubsidyRecord, Village
from storage.models.compare import Finding

KIND_NAMES = {"vehicle": "车辆", "business": "经营主体"}
UNREADABLE = "(无法解密)"


@dataclass(frozen=True)
class MaskedRecord:
    record_id: int
    name: str
    id_number: str
    program: str
    amount: Decimal
    paid_on: date
    village: str  # name
    village_code: str


def open_masked(cipher: PersonalDataCipher, token: str | None, mask: Callable[[str], str]) -> str:
    if not token:
        return ""
    try:
        return mask(cipher.open(token))
    except DecryptionError:
        return UNREADABLE


async def finding_records(finding: Finding, rule: Rule, cipher: PersonalDataCipher,
                          limit: int = 50) -> list[MaskedRecord]:
    """The payments the finding is about, oldest first (at most `limit`); none for a finding about no person."""
    if not finding.id_hash:
        return []
    q = SubsidyRecord.filter(id_hash=finding.id_hash)
    if finding.village_id:
        q = q.filter(village_id=finding.village_id)
    if finding.program:
        q = q.filter(program__contains=finding.program) if rule.program_match == "contains" \
            else q.filter(program=finding.program)
    if finding.first_paid:
        q = q.filter(paid_on__gte=finding.first_paid)
    if finding.last_paid:
        q = q.filter(paid_on__lte=finding.last_paid)
    rows = await q.order_by("paid_on", "id").limit(limit)
    names = dict(await Village.filter(code__in={r.village_id for r in rows}).values_list("code", "name"))  # type: ignore[attr-defined]
    return [
        MaskedRecord(r.id, open_masked(cipher, r.name_enc, mask_name), open_masked(cipher, r.id_enc, mask_id),
                     r.program, r.amount, r.paid_on, names.get(r.village_id, r.village_id),  # type: ignore[attr-defined]
                     r.village_id)  # type: ignore[attr-defined]
        for r in rows
    ]


def facts(finding: Finding) -> str:
    """The rule-specific fact of a finding, in words."""
    note = finding.note
    match finding.rule:
        case "after_death":
            return f"登记死亡日期{note}"
        case "favoritism":
            return f"领取人身份：{note}"
        case "multi_village":
            return f"涉及{note}个村"
        case "over_standard":
            what = "单笔上限" if finding.period.endswith(":payment") else "年度上限"
            return f"{what}{note}元"
        case "disclosure_late":
            from handlers.publication.disclosures import KIND_NAMES as DISCLOSURE_KINDS

            return f"{finding.period}{DISCLOSURE_KINDS.get(finding.program, finding.program)}应于{note}前公开"
        case "dibao_assets":
            return "名下登记：" + "、".join(KIND_NAMES.get(k, k) for k in note.split("+") if k)
    return ""


def period_name(period: str) -> str:
    """A finding's period as staff read it: 一次性, 2026年单笔, 2026年全年, 2026年第1季度, 2026年3月."""
    import re

    if period == "once":
        return "一次性发放"
    if m := re.fullmatch(r"(\d{4}):(payment|year)", period):
        return f"{m[1]}年{'单笔' if m[2] == 'payment' else '全年'}"
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", period):
        return f"{m[1]}年第{m[2]}季度"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
        return f"{m[1]}年{int(m[2])}月"
    return period


def clue_text(finding: Finding, rule: Rule, records: list[MaskedRecord], shown: int = 10) -> str:
    """What the clue says: the rule, the facts, the records masked (one WeChat message's worth)."""
    who = next((f"{r.name}（{r.id_number}）" for r in records if r.name or r.id_number), "")
    head = [f"【大数据比对·{rule.title}】{rule.meaning}。"]
    if not finding.id_hash:  # about a village, not a person: no payments to list
        return head[0] + facts(finding) + "。"
    summary = f"领取人{who}，" if who else ""
    summary += f"共{finding.records}笔，合计{finding.amount}元"
    if finding.period and finding.rule == "duplicate":
        summary += f"，发放周期{period_name(finding.period)}"
    extra = facts(finding)
    head.append(summary + (f"，{extra}" if extra else "") + "。")
    lines = [f"{i}. {r.paid_on} {r.program} {r.amount}元 {r.village}" for i, r in enumerate(records[:shown], 1)]
    if finding.records > shown:
        lines.append(f"……另有{finding.records - shown}笔，见比对结果页")
    return "".join(head) + "\n记录：\n" + "\n".join(lines)
