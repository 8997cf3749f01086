"""The audit log: append-only, each entry chained to the previous by SHA-256.

Appends are serialised (a transaction-scoped advisory lock on PostgreSQL, the
database lock on SQLite) so two writers can never fork the chain.
`verify()` walks the chain and names the first entry that does not match.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from tortoise.transactions import in_transaction

from storage.models import AuditEntry
from storage.sql import is_postgres

GENESIS = "0" * 64
_LOCK_ID = 0x71660001  # pg advisory lock key for the chain


def entry_hash(prev_hash: str, at: datetime, actor: str, action: str, target: str, detail: dict[str, Any]) -> str:
    body = json.dumps(
        [prev_hash, at.astimezone(timezone.utc).isoformat(timespec="microseconds"), actor, action, target, detail],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


async def append(actor: str, action: str, target: str = "", detail: dict[str, Any] | None = None,
                 *, using_db: Any = None) -> AuditEntry:
    """Record one action. `detail` must hold no personal data (hashes and codes only).

    Pass `using_db` (a transaction) to write the entry in the caller's transaction: one commit,
    and the entry exists exactly when the action does.
    """
    if using_db is not None:
        return await _append(using_db, actor, action, target, detail or {})
    async with in_transaction() as conn:
        return await _append(conn, actor, action, target, detail or {})


async def _append(conn: Any, actor: str, action: str, target: str, detail: dict[str, Any]) -> AuditEntry:
    if is_postgres(conn):
        await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [_LOCK_ID])
    last = await AuditEntry.all().using_db(conn).order_by("-id").only("hash").first()
    prev = last.hash if last else GENESIS
    at = datetime.now(timezone.utc)
    h = entry_hash(prev, at, actor, action, target, detail)
    return await AuditEntry.create(
        at=at, actor=actor, action=action, target=target, detail=detail, prev_hash=prev, hash=h, using_db=conn
    )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str = ""


async def verify(batch: int = 5000) -> VerifyResult:
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = await AuditEntry.filter(id__gt=last_id).order_by("id").limit(batch)
        if not rows:
            return VerifyResult(True, checked)
        for e in rows:
            if e.prev_hash != prev:
                return VerifyResult(False, checked, e.id, "prev_hash does not match the entry before it (an entry was removed or reordered)")
            if entry_hash(e.prev_hash, e.at, e.actor, e.action, e.target, e.detail) != e.hash:
                return VerifyResult(False, checked, e.id, "content does not match its hash (the entry was altered)")
            prev = e.hash
            checked += 1
            last_id = e.id


__all__ = ["append", "verify", "VerifyResult"]
