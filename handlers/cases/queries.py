"""Finding cases for the reporter and showing them as the reporter may see them.

Pure data: no chat text besides the status words. Used by the chat flows
(查询进度, 我的举报, 评价) and by the mini-program API, so both show the same thing.

    find_by_receipt(receipt)            anyone holding the 16-digit receipt
    find_for_reporter(number, ch, oid)  a 实名 reporter's own case, by case number
    list_for_reporter(ch, oid)          a 实名 reporter's cases, newest first
    public_view(case)                   what the reporter sees (office by title, never a person)
    rate(case_id, satisfied, reason)    满意/不满意 on a resolved case (an event, via transition())
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from storage.models import Case, CaseEvent, County, ReporterIdentity, Status, Township
from storage.receipts import hash_receipt, legacy_hashes

if TYPE_CHECKING:
    from bot.services import Services
    from storage.crypto import PersonalDataCipher

STATUS_TEXT: dict[str, str] = {
    Status.RECEIVED: "已收到,等待受理",
    Status.ACCEPTED: "已受理,正在安排核查",
    Status.REFERRED: "已转交其他部门办理",
    Status.REJECTED: "经审查不予受理",
    Status.INVESTIGATING: "正在调查核实",
    Status.RESOLVED: "已办结,请您评价",
    Status.RATED: "已办结,您已评价",
    Status.NOT_ACCEPTED: "不属于受理范围,已告知其他反映渠道",
}

# What a public event says to the reporter; the event's reason (written for the reporter) follows.
EVENT_TEXT: dict[str, str] = {
    "filed": "收到您的反映",
    "accepted": "已受理",
    "referred": "已转交办理",
    "rejected": "不予受理",
    "investigating": "开始调查核实",
    "resolved": "已办结",
    "rated": "您已评价",
    "reply": "办理单位回复",
    "reassigned": "已转交其他单位办理",
    "escalated": "已由县纪委监委督办",
    "extended": "办理期限已延长",
    "reopened": "已重新核查",
    "question": "办理单位向您提问",
    "answer": "您的回答",
    "supplement": "您补充的情况",
}


@dataclass(frozen=True)
class PublicEvent:
    at: datetime
    text: str


@dataclass(frozen=True)
class CaseView:
    number: str
    status: str
    status_text: str
    category: str  # the category's Chinese name
    office: str  # the handling commission's title, never a person
    deadline: date | None
    events: list[PublicEvent] = field(default_factory=list)
    rating: str | None = None  # satisfied | unsatisfied
    can_rate: bool = False


def _digits(receipt: str) -> str:
    return re.sub(r"\D", "", receipt.translate(str.maketrans("0123456789", "0123456789")))


async def find_by_receipt(receipt: str, cipher: "PersonalDataCipher") -> Case | None:
    """The case whose receipt this is; None for anything else (no hint whether it was close)."""
    digits = _digits(receipt)
    if len(digits) != 16:
        return None
    hashed = await hash_receipt(digits)
    case = await Case.filter(receipt_hash=hashed).first()
    if case is None:  # issued before argon2id: found by its old HMAC once, then it needs no key
        case = await Case.filter(receipt_hash__in=legacy_hashes(digits, cipher)).first()
        if case is not None:
            case.receipt_hash = hashed
            await case.save(update_fields=["receipt_hash"])
    return case


def _reporter_hashes(channel: str, openid: str, cipher: "PersonalDataCipher") -> list[str]:
    # Same value as filing.reporter_subject, under every key while a rotation runs.
    return cipher.all_lookup_hashes(f"{channel}:{openid}", purpose="reporter")


async def find_for_reporter(number: str, channel: str, openid: str, cipher: "PersonalDataCipher") -> Case | None:
    """A case by number, only if this account filed it 实名; None otherwise (same answer either way)."""
    number = number.strip().upper()
    if not number:
        return None
    identity = await ReporterIdentity.filter(
        case__number=number, subject_hash__in=_reporter_hashes(channel, openid, cipher)
    ).prefetch_related("case").first()
    return identity.case if identity else None


async def list_for_reporter(channel: str, openid: str, cipher: "PersonalDataCipher") -> list[Case]:
    return await Case.filter(
        identity__subject_hash__in=_reporter_hashes(channel, openid, cipher)
    ).order_by("-created_at", "-id")


async def office_title(code: str) -> str:
    if not code:
        return ""
    township = await Township.get_or_none(code=code)
    if township is not None:
        return township.commission
    county = await County.get_or_none(code=code)
    return county.commission if county else "县纪委监委"


def _deadline(case: Case) -> date | None:
    if case.status == Status.RECEIVED:
        return case.accept_due
    if case.status in (Status.ACCEPTED, Status.INVESTIGATING):
        return case.resolve_due
    return None


def _event_text(event: CaseEvent) -> str:
    head = EVENT_TEXT.get(event.kind) or STATUS_TEXT.get(event.to_status, "办理进展")
    reason = (event.reason or "").strip()
    if event.kind == "filed" or not reason:  # the filing reason (实名/匿名) is not news to the reporter
        return head
    return f"{head}:{reason}"


async def public_view(case: Case) -> CaseView:
    from nlp import CATEGORY_NAMES

    events = await CaseEvent.filter(case_id=case.id, public=True).order_by("at", "id")
    return CaseView(
        number=case.number or "",
        status=str(case.status),
        status_text=STATUS_TEXT.get(case.status, str(case.status)),
        category=CATEGORY_NAMES.get(case.category, case.category),
        office=await office_title(case.office),
        deadline=_deadline(case),
        events=[PublicEvent(e.at, _event_text(e)) for e in events],
        rating=case.rating,
        can_rate=case.status == Status.RESOLVED,
    )


async def rate(case_id: int, satisfied: bool, reason: str, actor: str, services: "Services") -> Case:
    """Record the reporter's rating. Raises transitions.IllegalTransition unless the case is resolved.

    The lifecycle hooks on Status.RATED reopen an unsatisfied case for cross-review.
    """
    from handlers.cases.transitions import transition

    value = "satisfied" if satisfied else "unsatisfied"
    reason = reason.strip()[:500]
    case, _ = await transition(
        case_id, Status.RATED, actor=actor, reason=reason, services=services,
        updates={"rating": value, "rating_reason": reason or None}, data={"rating": value},
    )
    return case
