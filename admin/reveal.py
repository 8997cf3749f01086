"""The audited reveal of a 实名 reporter (county roles only): on the case page, and for a document export.

One rule for both: a reason of at least 4 characters, an audit entry `reporter.reveal`
(with what the reveal was for), an `identity_revealed` event on the case, and only then
the identity is opened, for this one response.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from admin import scope
from handlers.cases.transitions import record
from storage import audit
from storage.models import Case, ReporterIdentity, Staff

if TYPE_CHECKING:
    from storage.crypto import PersonalDataCipher

MIN_REASON = 4


class RevealRefused(Exception):
    """The message says why, in Chinese, for the person who asked."""


@dataclass(frozen=True)
class Identity:
    name: str
    phone: str
    channel: str


async def reveal_identity(staff: Staff, case: Case, reason: str, cipher: "PersonalDataCipher", *,
                          purpose: str = "") -> Identity:
    if not scope.may_see_reporter(staff):
        raise RevealRefused("只有县纪委监委可以查看举报人身份。")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise RevealRefused(f"查看举报人身份须填写理由（至少{MIN_REASON}个字）。")
    ident = await ReporterIdentity.get_or_none(case_id=case.id)
    if ident is None:
        raise RevealRefused("该举报为匿名举报，没有身份信息。")
    detail = {"reason": reason} | ({"for": purpose} if purpose else {})
    await audit.append(f"staff:{staff.id}", "reporter.reveal", case.number or str(case.id), detail)
    await record(case.id, "identity_revealed", actor=f"staff:{staff.id}",
                 reason=f"{reason}（{purpose}）" if purpose else reason)
    return Identity(name=cipher.open(ident.name_enc) if ident.name_enc else "（未留姓名）",
                    phone=cipher.open(ident.phone_enc) if ident.phone_enc else "（未留电话）",
                    channel=ident.channel)
