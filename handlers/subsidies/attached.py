"""The subsidy record a dispute is about, as the case page shows it: the payee masked, in full only on a reveal.

    record_view(case, cipher, reveal=False) -> AttachedRecord | None   (None: the case is no dispute)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nlp.idcard import mask_id, mask_name
from storage.models import Case, SubsidyRecord

if TYPE_CHECKING:
    from storage.crypto import PersonalDataCipher

DISPUTE_NAMES = {"not_received": "没收到", "wrong_amount": "金额不对"}


@dataclass(frozen=True)
class AttachedRecord:
    record_id: int
    program: str
    amount: str
    paid_on: str
    village: str
    source: str
    payee: str  # masked unless revealed
    id_number: str  # masked unless revealed
    dispute: str  # 没收到 | 金额不对
    received: str  # what the villager says they received ("" when not said)
    revealed: bool


async def record_view(case: Case, cipher: "PersonalDataCipher", *, reveal: bool = False) -> AttachedRecord | None:
    ref = case.source_ref or {}
    if "subsidy_record" not in ref:
        return None
    rec = await SubsidyRecord.get_or_none(id=int(ref["subsidy_record"])).prefetch_related("village")
    if rec is None:  # the import was rolled back or purged: the case text still names the payment
        return None
    name, number = cipher.open(rec.name_enc), cipher.open(rec.id_enc)
    return AttachedRecord(
        record_id=rec.id, program=rec.program, amount=f"{rec.amount:.2f}", paid_on=rec.paid_on.isoformat(),
        village=rec.village.name, source=rec.source, payee=name if reveal else mask_name(name),
        id_number=number if reveal else mask_id(number), dispute=DISPUTE_NAMES.get(ref.get("dispute", ""), ""),
        received=str(ref.get("received", "")), revealed=reveal)
