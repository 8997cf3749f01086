"""查处结果公开: a closed case's outcome, proposed by the office that handled it and published after a
county review (a second person). What is published: category, township and village, a result from a
fixed list, the date it was closed, and a summary only when a staff member wrote one for the public.
Never the reporter, never the case's text, never the office of a case routed away from its township.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from storage import audit
from storage.china_time import CHINA_TZ
from storage.models import COUNTY_ROLES, Case, CaseEvent, Role, Staff, Status
from storage.models.publication import Outcome, OutcomeStatus

if TYPE_CHECKING:
    from nlp import RegistryIndex

RESULTS = ("给予党纪处分", "给予政务处分", "组织处理", "诫勉谈话", "批评教育", "责令退还款项", "移送司法机关",
           "问题属实已整改", "经核查问题不属实")
CLOSED = (Status.RESOLVED, Status.RATED)
SUMMARY_MAX = 300
_ID_NUMBER = re.compile(r"(?<!\d)\d{15}(?:\d{2}[\dXx])?(?!\d)")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


class OutcomeRefused(ValueError):
    """Why an outcome cannot be proposed or published (Chinese, shown to staff)."""


def _who(staff: Staff) -> str:
    return f"staff:{staff.id}"


async def propose(case: Case, result: str, summary: str, staff: Staff) -> Outcome:
    """The case's office proposes its outcome (the caller has checked the case is in the staff's scope)."""
    if Status(case.status) not in CLOSED:
        raise OutcomeRefused("只有已办结的案件才能公开查处结果")
    if result not in RESULTS:
        raise OutcomeRefused("请从列表中选择处理结果")
    summary = summary.strip()
    if len(summary) > SUMMARY_MAX:
        raise OutcomeRefused(f"公开摘要最多{SUMMARY_MAX}字")
    if _ID_NUMBER.search(summary) or _MOBILE.search(summary):
        raise OutcomeRefused("公开摘要里不能有身份证号或手机号")
    existing = await Outcome.get_or_none(case_id=case.id)
    if existing and existing.status == OutcomeStatus.PUBLISHED:
        raise OutcomeRefused("这件案件的查处结果已经公开")
    resolved = await CaseEvent.filter(case_id=case.id, to_status=Status.RESOLVED).order_by("-id").first()
    closed_at = resolved.at if resolved else case.updated_at
    fields = {"category": case.category, "township_id": case.township_id or "",  # type: ignore[attr-defined]
              "village_id": case.village_id or "", "result": result, "summary": summary,  # type: ignore[attr-defined]
              "closed_on": closed_at.astimezone(CHINA_TZ).date(), "status": OutcomeStatus.PENDING,
              "proposed_by": _who(staff), "reviewed_by": ""}
    if existing:
        await Outcome.filter(id=existing.id).update(**fields)
        outcome = await Outcome.get(id=existing.id)
    else:
        outcome = await Outcome.create(case_id=case.id, **fields)
    await audit.append(_who(staff), "outcome.propose", f"case:{case.id}", {"outcome": outcome.id, "result": result,
                                                                            "summary": bool(summary)})
    return outcome


async def review(outcome: Outcome, staff: Staff, *, publish: bool) -> Outcome:
    """A county role, not the proposer, publishes (or withdraws) the outcome."""
    if Role(staff.role) not in COUNTY_ROLES:
        raise OutcomeRefused("只有县纪委监委的账号可以审核公开查处结果")
    if publish and outcome.proposed_by == _who(staff):
        raise OutcomeRefused("提出公开的人不能自己审核，请由另一位县纪委监委工作人员审核")
    outcome.status = OutcomeStatus.PUBLISHED if publish else OutcomeStatus.WITHDRAWN
    outcome.reviewed_by = _who(staff)
    outcome.published_at = datetime.now(timezone.utc) if publish else None
    await outcome.save(update_fields=["status", "reviewed_by", "published_at"])
    await audit.append(_who(staff), "outcome.publish" if publish else "outcome.withdraw",
                       f"case:{outcome.case_id}", {"outcome": outcome.id})  # type: ignore[attr-defined]
    return outcome


@dataclass(frozen=True)
class PublicOutcome:
    id: int
    category: str
    category_name: str
    township: str
    village: str
    result: str
    summary: str
    closed_on: date


def public(o: Outcome, registry: "RegistryIndex") -> PublicOutcome:
    from nlp import CATEGORY_NAMES

    t = registry.townships.get(o.township_id)
    v = registry.villages.get(o.village_id)
    return PublicOutcome(o.id, o.category, CATEGORY_NAMES.get(o.category, o.category), t.name if t else "",
                         v.name if v else "", o.result, o.summary, o.closed_on)


def published(*, village: str = "", township: str = "") -> Any:
    qs = Outcome.filter(status=OutcomeStatus.PUBLISHED)
    if village:
        qs = qs.filter(village_id=village)
    elif township:
        qs = qs.filter(township_id=township)
    return qs.order_by("-closed_on", "-id")


def line(p: PublicOutcome) -> str:
    where = f"{p.township}{p.village}" or "本县"
    kind = p.category_name if p.category_name.endswith("问题") else p.category_name + "问题"
    text = f"{p.closed_on:%Y年%m月%d日} {where} {kind}：{p.result}"
    return text + (f"。{p.summary}" if p.summary else "")
