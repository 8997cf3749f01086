"""What a villager can do with records they have looked up: dispute one, subscribe to new ones."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import TYPE_CHECKING

from handlers.cases.filing import Filed, ReportDraft, file_report
from handlers.subsidies.texts import DISPUTE_TEXT
from storage.models import SubsidyRecord
from storage.models.subsidy_watch import SubsidySubscription

if TYPE_CHECKING:
    from bot.services import Services
    from storage.crypto import PersonalDataCipher

DISPUTE_KINDS = {"没收到": "not_received", "未收到": "not_received", "没有收到": "not_received",
                 "金额不对": "wrong_amount", "钱数不对": "wrong_amount", "少了": "wrong_amount"}
NOTHING = {"0", "0元", "没有", "没收到", "没有收到", "一分没有", "一分钱也没有", "分文未收", "没"}
SKIPPED = {"跳过", "不知道", "不清楚", "记不清", "不记得", "不想说"}
AMOUNT = re.compile(r"^(?:收到|实际收到|只收到|拿到|只拿到|到手)?\s*(\d{1,7}(?:\.\d{1,2})?)\s*(?:元|块钱|块)?$")


def received_answer(text: str) -> str | None:
    """What the villager says they received, as the case will read it: "没有收到", "800.00元", "" (skipped);
    None when it is neither (the question is asked again)."""
    said = re.sub(r"[\s。!,、]+", "", unicodedata.normalize("NFKC", text)).rstrip(".")  # full-width digits too
    if said in SKIPPED:
        return ""
    if said in NOTHING:
        return "没有收到"
    m = AMOUNT.match(said)
    if not m:
        return None
    amount = Decimal(m.group(1))
    return "没有收到" if amount == 0 else f"{amount:.2f}元"


def dispute_text(rec: SubsidyRecord, kind: str, received: str) -> str:
    """The case text: whose payment it is by the record (item, year, amount as listed), never the payee's name."""
    said = f"反映人说实际收到:{received}。" if received else ""
    return (f"{DISPUTE_TEXT[kind]}:{rec.program}({rec.paid_on.year}年),名册金额 {rec.amount:.2f}元,"
            f"发放日期 {rec.paid_on:%Y-%m-%d},{rec.village.name}{'(' + rec.source + ')' if rec.source else ''}。"
            f"{said}(来自查补贴,发放记录 #{rec.id} 附在案件中)")


async def file_dispute(record_id: int, kind: str, *, channel: str, openid: str, services: "Services",
                       anonymous: bool = False, received: str = "") -> Filed:
    """A subsidy_fraud report about one record, routed like any report (village → township, elevated → county).

    The chat (handlers/subsidy_dispute.py) and the mini-program (POST /api/v1/subsidies/dispute) both file
    through here. 实名: the openid sealed apart from the case, so the office can answer; 匿名: none kept, a
    receipt as for any anonymous report. The record stays attached (source_ref): staff see it on the case page,
    the payee masked (handlers.subsidies.attached).
    """
    rec = await SubsidyRecord.get(id=record_id).prefetch_related("village")
    draft = ReportDraft(
        channel=channel, text=dispute_text(rec, kind, received), category="subsidy_fraud",
        township=rec.village.township_id, village=rec.village_id,  # type: ignore[attr-defined]
        level="unknown", confidence=1.0, keywords=["惠民资金", "查补贴"],
        anonymous=anonymous, openid=None if anonymous else openid,
        source_ref={"subsidy_record": rec.id, "dispute": kind, **({"received": received} if received else {})},
    )
    return await file_report(draft, services)


async def subscribe(id_hash: str, id_number_enc: str, *, channel: str, subject: str, openid: str,
                    cipher: "PersonalDataCipher") -> bool:
    """True when a new subscription was made, False when it existed already."""
    sub, created = await SubsidySubscription.get_or_create(
        id_hash=id_hash, subject_hash=subject,
        defaults={"id_enc": id_number_enc, "channel": channel, "recipient_enc": cipher.seal(openid)},
    )
    return created


async def unsubscribe(subjects: list[str]) -> int:
    return await SubsidySubscription.filter(subject_hash__in=subjects).delete()
