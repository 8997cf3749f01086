"""Retention (SPEC Privacy): personal data of closed cases purged after `QINGFENG_RETENTION_DAYS`.

    result = await purge(services, days=None, now=None, actor="worker", dry_run=False)

A case closed (referred, rejected, resolved, rated or not accepted) and unchanged
for that long loses what names its reporter: the identity row (openid, name,
phone), the recipients of its sent or failed notifications, and the ID and phone
numbers typed into its text, its rating, its events' reasons and the answers to its
category's questions (masked as the panel shows them). Everything else stays: number, category, place, office,
status, result, timeline, attachments, the receipt (a hash that names nobody).
Each purge is an event on the case's timeline and an audit entry; a purged case
is never purged again. Run daily by the worker and by `qingfeng retention purge`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from tortoise.expressions import Subquery

from nlp.idcard import mask_numbers_in_text
from storage import audit
from storage.models import CLOSED_STATUSES, Case, CaseEvent, OutboxMessage, ReporterIdentity, Status

if TYPE_CHECKING:
    from bot.services import Services

PURGED = "personal_data_purged"
ENDED = (*CLOSED_STATUSES, Status.NOT_ACCEPTED)
BATCH = 200


@dataclass
class PurgeResult:
    cases: list[str] = field(default_factory=list)  # case numbers (or ids) purged
    identities: int = 0
    texts_masked: int = 0


async def due(days: int, now: datetime) -> list[Case]:
    """Closed cases unchanged for `days`, not purged yet (oldest first)."""
    purged = CaseEvent.filter(kind=PURGED).values("case_id")
    return await Case.filter(status__in=ENDED, updated_at__lt=now - timedelta(days=days)).exclude(
        id__in=Subquery(purged)).order_by("updated_at", "id").limit(BATCH)


def _masked_answers(cipher: Any, sealed: str | None) -> str | None:
    """The sealed answers with their ID and phone numbers masked; None when nothing changes."""
    import json

    if not sealed:
        return None
    answers = json.loads(cipher.open(sealed))
    masked = {k: mask_numbers_in_text(v) for k, v in answers.items()}
    return cipher.seal(json.dumps(masked, ensure_ascii=False)) if masked != answers else None


async def _purge_one(case: Case, actor: str, result: PurgeResult, cipher: Any) -> None:
    from handlers.cases.transitions import record

    async with audit.transaction() as entries:
        conn = entries.conn
        identities = await ReporterIdentity.filter(case_id=case.id).using_db(conn).delete()
        await OutboxMessage.filter(case_id=case.id, status__in=("sent", "failed")).using_db(conn).update(
            recipient_enc="")
        updates: dict[str, object] = {}
        text = mask_numbers_in_text(case.text)
        if text != case.text:
            updates["text"] = text
        if case.rating_reason and mask_numbers_in_text(case.rating_reason) != case.rating_reason:
            updates["rating_reason"] = mask_numbers_in_text(case.rating_reason)
        if (answers := _masked_answers(cipher, case.answers_enc)) is not None:
            updates["answers_enc"] = answers
        masked = int(bool(updates))
        for e in await CaseEvent.filter(case_id=case.id).using_db(conn):
            reason = mask_numbers_in_text(e.reason or "")
            if reason != (e.reason or ""):
                await CaseEvent.filter(id=e.id).using_db(conn).update(reason=reason)
                masked += 1
        await record(case.id, PURGED, actor=actor, reason="保存期满,举报人身份信息和内容中的证件号、电话已删除",
                     data={"identity": bool(identities), "masked": masked}, updates=updates or None, conn=conn)
        await entries.append(actor, "retention.purge", case.number or f"case:{case.id}",
                             {"identity": bool(identities), "masked": masked})
    result.cases.append(case.number or str(case.id))
    result.identities += identities
    result.texts_masked += masked


async def purge(services: "Services", *, days: int | None = None, now: datetime | None = None,
                actor: str = "worker", dry_run: bool = False) -> PurgeResult:
    days = days or services.settings.retention_days
    now = now or datetime.now(timezone.utc)
    result = PurgeResult()
    while batch := await due(days, now):
        if dry_run:
            result.cases += [c.number or str(c.id) for c in batch]
            break
        for case in batch:
            await _purge_one(case, actor, result, services.cipher)
    return result
