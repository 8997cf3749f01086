"""Who wrote a message, as handlers see them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.services import Services
    from storage.models import Staff


@dataclass
class Sender:
    """Who wrote. `openid` is personal data: use it only to reply; key storage by `subject`."""

    channel: str
    openid: str
    subject: str
    chat_id: str = ""
    _services: "Services | None" = field(default=None, repr=False)
    _staff: Any = field(default=False, repr=False)

    async def staff(self) -> "Staff | None":
        """The staff account bound to this WeChat identity, if any (loaded once)."""
        if self._staff is False:
            from storage.models import StaffBinding

            subjects = [self.subject]
            if self._services is not None and len(self._services.cipher.hmac_keys) > 1:  # a rotation under way
                subjects = self._services.cipher.all_subject_hashes(self.channel, self.openid)
            binding = await StaffBinding.filter(subject_hash__in=subjects).prefetch_related("staff").first()
            self._staff = binding.staff if binding and binding.staff.is_active else None
        return self._staff  # type: ignore[return-value]
