"""Who wrote a message, as handlers see them, and which senders may be bound staff."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.services import Services
    from storage.models import Staff

# A binding written outside `handlers.cases.binding.bind` (a script, a restore) is seen at most this late.
DIRECTORY_MAX_AGE_S = 30.0


def _db() -> Any:
    from tortoise import Tortoise

    return Tortoise.get_connection("default")


class StaffDirectory:
    """This process's list of the subject hashes bound to staff accounts. Most senders are villagers: a
    subject not in it is not staff without a database look-up (a 帮助 spent most of its time on that
    look-up). It reloads when the bindings' version in Redis (read by the dispatcher's first round trip)
    changes, when a binding is saved in this process, and at least every DIRECTORY_MAX_AGE_S."""

    def __init__(self) -> None:
        self._subjects: frozenset[str] | None = None
        self._version = b""
        self._loaded_at = 0.0
        self._generation = -1

    def seen_version(self, version: bytes) -> None:
        if version != self._version:
            self._version, self._subjects = version, None

    def _fresh(self) -> bool:
        from storage.models.accounts import bindings_generation

        return (self._subjects is not None and self._generation == bindings_generation()
                and time.monotonic() - self._loaded_at <= DIRECTORY_MAX_AGE_S)

    def surely_not_staff(self, subjects: list[str]) -> bool:
        """Without a wait: the list is fresh and none of `subjects` is in it (a 帮助 from a villager)."""
        return self._fresh() and self._subjects is not None and self._subjects.isdisjoint(subjects)

    async def may_be_staff(self, subjects: list[str]) -> bool:
        from storage.models.accounts import bindings_generation

        if not self._fresh():
            self._generation = bindings_generation()
            self._loaded_at = time.monotonic()
            _, rows = await _db().execute_query("SELECT subject_hash FROM staff_binding")
            self._subjects = frozenset(row[0] for row in rows)
        return not self._subjects.isdisjoint(subjects)


@dataclass
class Sender:
    """Who wrote. `openid` is personal data: use it only to reply; key storage by `subject`."""

    channel: str
    openid: str
    subject: str
    chat_id: str = ""
    _services: "Services | None" = field(default=None, repr=False)
    _staff: Any = field(default=False, repr=False)
    directory: StaffDirectory | None = field(default=None, repr=False)

    async def staff(self) -> "Staff | None":
        """The staff account bound to this WeChat identity, if any (loaded once)."""
        if self._staff is False:
            subjects = [self.subject]
            if self._services is not None and len(self._services.cipher.hmac_keys) > 1:  # a rotation under way
                subjects = self._services.cipher.all_subject_hashes(self.channel, self.openid)
            surely_not = self.directory is not None and self.directory.surely_not_staff(subjects)
            self._staff = None if surely_not else await self._load(subjects)
        return self._staff  # type: ignore[return-value]

    async def _load(self, subjects: list[str]) -> "Staff | None":
        if self.directory is not None and not await self.directory.may_be_staff(subjects):
            return None
        from storage.models import Staff
        from storage.sql import placeholders

        conn = _db()
        # one plain indexed SELECT (the ORM's query building cost more than the rest of a 帮助)
        _, rows = await conn.execute_query(f"SELECT staff_id FROM staff_binding WHERE subject_hash IN "
                                           f"({', '.join(placeholders(conn, len(subjects)))}) LIMIT 1", list(subjects))
        staff = await Staff.get_or_none(id=rows[0][0]) if rows else None
        return staff if staff is not None and staff.is_active else None
