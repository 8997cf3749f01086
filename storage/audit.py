"""The audit log: append-only, each entry chained to the previous by an HMAC.

- Keyed: an entry's hash is HMAC-SHA256 under the audit key (QINGFENG_AUDIT_KEY, never in the
  database), so whoever can write the table still cannot re-chain it after an edit or a deletion.
- Anchored: the head (id and hash of the newest committed entry) is kept outside the table, in
  Redis (`keys.audit_anchor`, only ever moved forward) and in the log (`audit head #N …`), so a
  truncation — the last entry or the last sixty — leaves the anchor pointing at a missing entry.
  The anchor only ever names committed entries: it is moved after the commit that wrote them —
  `append` commits its own entry, `transaction()` anchors the entries written in it once the caller's
  transaction commits — and, inside the chain lock, to the committed head each next append finds.

Appends are serialised (a transaction-scoped advisory lock on PostgreSQL, the database lock on
SQLite) so two writers can never fork the chain. `verify()` walks the chain and names the first
entry that does not match, then checks the anchor.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import redis.asyncio as aioredis
from tortoise.transactions import in_transaction

from storage import keys
from storage.models import AuditEntry
from storage.sql import is_postgres

log = logging.getLogger("qingfeng.audit")

GENESIS = "0" * 64
_LOCK_ID = 0x71660001  # pg advisory lock key for the chain

# Move the anchor forward only: a late writer never moves it back to an older entry.
_ANCHOR_LUA = """
local cur = tonumber(redis.call('HGET', KEYS[1], 'id') or '0')
if tonumber(ARGV[1]) > cur then
  redis.call('HSET', KEYS[1], 'id', ARGV[1], 'hash', ARGV[2])
  return 1
end
return 0
"""


@dataclass
class _Chain:
    key: bytes | None = None
    redis: aioredis.Redis | None = None
    legacy_until: int = 0


_chain = _Chain()


def bind(key: bytes, redis: aioredis.Redis | None = None, *, legacy_until: int = 0) -> None:
    """Called where a process builds its services (the app, the worker, each command).

    `legacy_until`: the operator's word (QINGFENG_AUDIT_LEGACY_UNTIL) that entries up to that id predate
    the keyed chain; nothing read from the database may widen it, or a re-chain would pass as old."""
    _chain.key, _chain.redis, _chain.legacy_until = key, redis, legacy_until


def _key() -> bytes:
    if _chain.key is None:  # storage reads no configuration: the process hands the key over when it starts
        raise RuntimeError("the audit chain has no key: call storage.audit.bind(settings.audit_key) where the "
                           "process builds its services (bot.services.connect_services, bot.cli._common)")
    return _chain.key


def _body(prev_hash: str, at: datetime, actor: str, action: str, target: str, detail: dict[str, Any]) -> bytes:
    return json.dumps(
        [prev_hash, at.astimezone(timezone.utc).isoformat(timespec="microseconds"), actor, action, target, detail],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    ).encode()


def entry_hash(prev_hash: str, at: datetime, actor: str, action: str, target: str, detail: dict[str, Any],
               key: bytes | None = None) -> str:
    return hmac.digest(key or _key(), _body(prev_hash, at, actor, action, target, detail), "sha256").hex()


def _legacy_hash(e: AuditEntry) -> str:
    """The unkeyed SHA-256 of installations from before the keyed chain (kept only to read their old entries)."""
    return hashlib.sha256(_body(e.prev_hash, e.at, e.actor, e.action, e.target, e.detail)).hexdigest()


async def append(actor: str, action: str, target: str = "", detail: dict[str, Any] | None = None) -> AuditEntry:
    """Record one action in its own transaction. `detail` must hold no personal data (hashes and codes only)."""
    async with in_transaction() as conn:
        entry = await _append(conn, actor, action, target, detail or {})
    await _anchor(entry.id, entry.hash)
    return entry


@dataclass
class Entries:
    """Audit entries written inside a caller's transaction; anchored once it commits."""
    conn: Any
    written: list[AuditEntry] = field(default_factory=list)

    async def append(self, actor: str, action: str, target: str = "",
                     detail: dict[str, Any] | None = None) -> AuditEntry:
        entry = await _append(self.conn, actor, action, target, detail or {})
        self.written.append(entry)
        return entry


@asynccontextmanager
async def transaction() -> AsyncIterator[Entries]:
    """One commit for an action and its audit entry: the entry exists exactly when the action does.

    `async with audit.transaction() as entries:` then write with `using_db=entries.conn` and
    `await entries.append(...)`. The head is anchored only after the commit (a rolled-back entry
    must never be the anchor), so deleting the newest entry is detected like any truncation.
    """
    async with in_transaction() as conn:
        entries = Entries(conn)
        yield entries
    for entry in entries.written:
        await _anchor(entry.id, entry.hash)


async def _append(conn: Any, actor: str, action: str, target: str, detail: dict[str, Any]) -> AuditEntry:
    if is_postgres(conn):
        await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [_LOCK_ID])
    last = await AuditEntry.all().using_db(conn).order_by("-id").only("id", "hash").first()
    prev = last.hash if last else GENESIS
    if last is not None:
        await _anchor(last.id, last.hash)  # committed: we hold the chain lock
    at = datetime.now(timezone.utc)
    h = entry_hash(prev, at, actor, action, target, detail)
    return await AuditEntry.create(
        at=at, actor=actor, action=action, target=target, detail=detail, prev_hash=prev, hash=h, using_db=conn
    )


async def _anchor(entry_id: int, entry_hash_: str) -> None:
    redis = _chain.redis
    if redis is None:
        return
    try:
        moved = await redis.eval(_ANCHOR_LUA, 1, keys.audit_anchor(), entry_id, entry_hash_)
    except Exception as exc:  # the audit entry stands; the log line below is the second anchor
        log.warning("audit anchor not written to Redis: %s", type(exc).__name__)
        moved = 1
    if moved:
        log.info("audit head #%d %s", entry_id, entry_hash_)


async def anchored_head() -> tuple[int, str] | None:
    if _chain.redis is None:
        return None
    raw = await _chain.redis.hgetall(keys.audit_anchor())
    if not raw:
        return None
    return int(raw[b"id"]), raw[b"hash"].decode()


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str = ""
    head: tuple[int, str] | None = None  # the newest entry, as the log's `audit head` lines name it
    legacy: int = 0  # leading entries from before the keyed chain (SHA-256 only), each sealed by the first keyed one


async def verify(batch: int = 5000, *, head: tuple[int, str] | None = None) -> VerifyResult:
    """Walk the chain, then check the anchored head (Redis, or `head` taken from the log) is still in it.

    A process without Redis (a bare script) checks the chain alone, and `head` if given. An installation
    upgraded from the unkeyed chain starts with SHA-256 entries: they are accepted only up to the id the
    operator bound (`legacy_until`) and only as the chain's leading run; the first keyed entry's HMAC
    covers the last of them, so rewriting one is still detected once a keyed entry follows."""
    key = _key()
    prev = GENESIS
    checked = 0
    legacy = 0
    keyed_seen = False
    last_id = 0
    seen: dict[int, str] = {}
    anchors = [a for a in (await anchored_head(), head) if a is not None]
    wanted = {a[0] for a in anchors}
    while True:
        rows = await AuditEntry.filter(id__gt=last_id).order_by("id").limit(batch)
        if not rows:
            break
        for e in rows:
            if e.prev_hash != prev:
                return VerifyResult(False, checked, e.id, "prev_hash does not match the entry before it "
                                                          "(an entry was removed or reordered)")
            if hmac.compare_digest(entry_hash(e.prev_hash, e.at, e.actor, e.action, e.target, e.detail, key),
                                   e.hash):
                keyed_seen = True
            elif not keyed_seen and e.id <= _chain.legacy_until and hmac.compare_digest(_legacy_hash(e), e.hash):
                legacy += 1
            elif not keyed_seen and not _chain.legacy_until and hmac.compare_digest(_legacy_hash(e), e.hash):
                return VerifyResult(False, checked, e.id, "carries the unkeyed SHA-256 hash of the chain before the "
                                                          "upgrade: if this installation was upgraded, set "
                                                          "QINGFENG_AUDIT_LEGACY_UNTIL to the id of the last entry "
                                                          "written before it")
            else:
                return VerifyResult(False, checked, e.id, "content does not match its keyed hash "
                                                          "(the entry was altered, or the chain rewritten)")
            if e.id in wanted:
                seen[e.id] = e.hash
            prev = e.hash
            checked += 1
            last_id = e.id
    newest = (last_id, prev) if checked else None
    for anchor_id, anchor_hash in anchors:
        if seen.get(anchor_id) != anchor_hash:
            return VerifyResult(False, checked, anchor_id,
                                f"entry #{anchor_id}, anchored outside the table as the head, is missing or changed "
                                f"(the log was truncated after entry #{last_id})", newest, legacy)
    if checked and not anchors and _chain.redis is not None:
        return VerifyResult(False, checked, None, "no head anchored in Redis (emptied?): a truncation cannot be "
                                                  "ruled out; give the last `audit head` line of the log with --head",
                            newest, legacy)
    return VerifyResult(True, checked, head=newest, legacy=legacy)


__all__ = ["append", "bind", "transaction", "Entries", "verify", "VerifyResult", "anchored_head"]
