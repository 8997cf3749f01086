"""What a villager can do with records they have looked up: dispute one, subscribe to new ones."""
from __future__ import annotations

from typing import TYPE_CHECKING

from handlers.cases.filing import Filed, ReportDraft, file_report
from handlers.subsidies.texts import DISPUTE_TEXT
from storage.models import SubsidyRecord
from storage.models.subsidy_watch import SubsidySubscription

if TYPE_CHECKING:
    from bot.services import Services

DISPUTE_KINDS = {"没收到": "not_received", "未收到": "not_received", "没有收到": "not_received",
                 "金额不对": "wrong_amount", "钱数不对": "wrong_amount", "少了": "wrong_amount"}


async def file_dispute(record_id: int, kind: str, *, channel: str, openid: str, services: "Services") -> Filed:
    """A subsidy_fraud report about one record, routed like any report (village → township, elevated → county).

    Filed 实名 (the openid sealed apart from the case) so the office can answer the villager; the
    case text names the payment, not the person: staff open the record through source_ref.
    """
    rec = await SubsidyRecord.get(id=record_id).prefetch_related("village")
    text = (f"{DISPUTE_TEXT[kind]}:{rec.program},{rec.amount:.2f}元,发放日期 {rec.paid_on:%Y-%m-%d},"
            f"{rec.village.name}。(来自查补贴,发放记录 #{rec.id})")
    draft = ReportDraft(
        channel=channel, text=text, category="subsidy_fraud", township=rec.village.township_id,  # type: ignore[attr-defined]
        village=rec.village_id, level="unknown", confidence=1.0, keywords=["惠民资金", "查补贴"],  # type: ignore[attr-defined]
        anonymous=False, openid=openid, source_ref={"subsidy_record": rec.id, "dispute": kind},
    )
    return await file_report(draft, services)


async def subscribe(id_hash: str, id_number_enc: str, *, channel: str, subject: str, openid: str,
                    services: "Services") -> bool:
    """True when a new subscription was made, False when it existed already."""
    cipher = services.cipher
    sub, created = await SubsidySubscription.get_or_create(
        id_hash=id_hash, subject_hash=subject,
        defaults={"id_enc": id_number_enc, "channel": channel, "recipient_enc": cipher.seal(openid)},
    )
    return created


async def unsubscribe(subjects: list[str]) -> int:
    return await SubsidySubscription.filter(subject_hash__in=subjects).delete()
