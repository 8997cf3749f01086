"""Filing a report: one transaction writes the case, its identity (实名 only), its first events.

The routing decision (nlp.route) is stored with its reason. Anonymous reports
store no openid, phone or name anywhere; the receipt is returned once and kept
only as a keyed hash. Lifecycle hooks (deadlines, linking, notifications) run
inside the same transaction, so a filed case never misses its notifications.

Idempotent on the draft: a conversation's `draft_id` is unique among cases, so a
filing repeated for any reason (the conversation lock expired under a slow
database, WeChat's retry, the villager typing again after Redis lost the reply)
returns the case filed the first time, with the receipt the draft carries.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from handlers.cases import deadlines, linking, notify
from handlers.cases.numbers import case_number, new_receipt
from storage.models import INTAKE_CHANNELS, Case, CaseEvent, ReporterIdentity, Status
from storage.receipts import hash_receipt

if TYPE_CHECKING:
    from bot.services import Services
    from storage.crypto import PersonalDataCipher

# What follows every accepted filing, in its transaction and in this order: the deadline (accept_due), linking to
# a similar open case, then the office's notification (which mentions the link). (case, connection, services)
AfterFiled = Callable[[Case, Any, "Services"], Awaitable[None]]
AFTER_FILED: list[AfterFiled] = [deadlines.on_filed, linking.on_filed, notify.on_filed]


@dataclass
class ReportDraft:
    channel: str  # a key of CHANNEL_NAMES (storage/models/cases.py)
    text: str
    category: str
    township: str = ""
    village: str = ""
    level: str = "unknown"
    confidence: float = 0.0
    keywords: list[str] = field(default_factory=list)
    exclude_township: bool = False
    anonymous: bool = True
    openid: str | None = None  # 实名 only
    # Who sent it (匿名 too): never stored; its keyed digest is kept a while so that one person's reports
    # never make a 意见集中 cluster by themselves and nobody 附议s their own (handlers/cases/linking.py)
    sender: str | None = None
    name: str | None = None
    phone: str | None = None
    source_ref: dict[str, Any] | None = None
    answers: dict[str, str] = field(default_factory=dict)  # the category's questions (nlp.categories), sealed
    actor: str = "reporter"
    draft_id: str | None = None  # the conversation's draft: filing it twice gives the first case
    receipt: str | None = None  # drawn with the draft, so a repeated filing shows the same one


@dataclass
class Filed:
    case: Case
    receipt: str
    accepted: bool  # False for `other`: kept for statistics, the reporter is referred elsewhere
    again: bool = False  # the draft had been filed before: this is that case


async def filed_before(draft: ReportDraft) -> Filed | None:
    """The case already filed from this draft, if any (recovered from the database by the draft id)."""
    if not draft.draft_id:
        return None
    case = await Case.get_or_none(draft_id=draft.draft_id)
    if case is None:
        return None
    return Filed(case, draft.receipt or "", case.status != Status.NOT_ACCEPTED, again=True)


async def file_report(draft: ReportDraft, services: "Services") -> Filed:
    if (before := await filed_before(draft)) is not None:
        return before
    try:
        return await _file_once(draft, services)
    except IntegrityError:
        # Another attempt of the same draft committed first (its unique draft_id): that case stands.
        if (before := await filed_before(draft)) is not None:
            return before
        raise


async def _file_once(draft: ReportDraft, services: "Services") -> Filed:
    from nlp import route, simhash

    registry = await services.registry()
    decision = route(draft.category, draft.township, draft.village, draft.level, registry,
                     exclude_township=draft.exclude_township)
    accepted = draft.category != "other"
    receipt = draft.receipt or new_receipt()
    receipt_hash = await hash_receipt(receipt)
    cipher = services.cipher
    async with in_transaction() as conn:
        case = await Case.create(
            channel=draft.channel, category=draft.category, category_confidence=draft.confidence,
            category_keywords=list(draft.keywords), text=draft.text,
            township_id=draft.township or None, village_id=draft.village or None, level=draft.level,
            route_to=decision.route_to, route_reason=decision.reason, office=decision.route_to,
            status=Status.RECEIVED if accepted else Status.NOT_ACCEPTED,
            anonymous=draft.anonymous, receipt_hash=receipt_hash,
            simhash=simhash(draft.text), source_ref=draft.source_ref, draft_id=draft.draft_id,
            answers_enc=seal_answers(cipher, draft.answers), using_db=conn,
        )
        case.number = case_number(case.id, case.created_at or datetime.now(timezone.utc))
        await case.save(update_fields=["number"], using_db=conn)
        if not draft.anonymous:
            # A letter, visit or call has no openid: its identity row is keyed by the intake form's token,
            # which no chat ever presents, and nothing is pushed to it (notify.notify_reporter).
            openid = draft.openid or (f"intake:{draft.draft_id}" if draft.channel in INTAKE_CHANNELS else None)
            if not openid:
                raise ValueError("a 实名 report needs the reporter's openid")
            await ReporterIdentity.create(
                case=case, channel=draft.channel,
                subject_hash=cipher.lookup_hash(f"{draft.channel}:{openid}", purpose="reporter"),
                openid_enc=cipher.seal(openid), name_enc=cipher.seal(draft.name) if draft.name else None,
                phone_enc=cipher.seal(draft.phone) if draft.phone else None, using_db=conn,
            )
        await CaseEvent.create(case=case, actor=draft.actor, kind="filed", to_status=case.status,
                               reason="实名举报" if not draft.anonymous else "匿名举报", public=True,
                               data={"channel": draft.channel}, using_db=conn)
        await CaseEvent.create(case=case, actor="system", kind="routed", reason=decision.reason,
                               data={"route_to": decision.route_to, "rule": decision.rule}, using_db=conn)
        if draft.draft_id:
            from handlers.lost_drafts import closed

            await closed(draft.draft_id, conn)
        await linking.remember_filer(case.id, draft.channel, draft.sender or draft.openid, services)
        if accepted:
            for hook in AFTER_FILED:
                await hook(case, conn, services)
    return Filed(case, receipt, accepted)


def seal_answers(cipher: Any, answers: dict[str, str]) -> str | None:
    """The answers to the category's questions, sealed: they may name a household or a relative."""
    import json

    kept = {k: v for k, v in answers.items() if v and v.strip()}
    return cipher.seal(json.dumps(kept, ensure_ascii=False)) if kept else None


def open_answers(cipher: Any, case: Case) -> list[tuple[str, str]]:
    """(what staff read, the answer) of each question answered, in the order the category asks them."""
    import json

    from nlp.categories import QUESTIONS

    if not case.answers_enc:
        return []
    answers: dict[str, str] = json.loads(cipher.open(case.answers_enc))
    order = list(QUESTIONS)
    ids = sorted(answers, key=lambda k: order.index(k) if k in order else len(order))
    return [(QUESTIONS[k].label if k in QUESTIONS else k, answers[k]) for k in ids]


def reporter_subject(cipher: "PersonalDataCipher", channel: str, openid: str) -> str:
    """The key under which a 实名 reporter's cases are found (我的举报, 查询进度 by case number)."""
    return cipher.lookup_hash(f"{channel}:{openid}", purpose="reporter")
