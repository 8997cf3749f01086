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
            subjects = [self.subject]
            if self._services is not None and len(self._services.cipher.hmac_keys) > 1:  # a rotation under way
                subjects = self._services.cipher.all_subject_hashes(self.channel, self.openid)
            # Most senders are villagers: one plain indexed SELECT says "not staff" (the ORM's query building
            # cost more than the rest of a 帮助); the account is loaded only for a bound sender.
            from tortoise import Tortoise

            from storage.models import Staff
            from storage.sql import placeholders

            conn = Tortoise.get_connection("default")
            _, rows = await conn.execute_query(
                f"SELECT staff_id FROM staff_binding WHERE subject_hash IN ({', '.join(placeholders(conn, len(subjects)))})"
                " LIMIT 1", list(subjects))
            staff = await Staff.get_or_none(id=rows[0][0]) if rows else None
            self._staff = staff if staff is not None and staff.is_active else None
        return self._staff  # type: ignore[return-value]
