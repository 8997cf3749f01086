"""Key rotation of what the cases, accounts and outbox keep sealed or keyed-hashed, and `keys check`.

Each table is declared once (TABLES): its sealed columns (with the associated data they were
sealed with) and its keyed hashes (recomputed from the opened values). `rotate_core` walks each
table by id in chunks, one transaction a chunk, and writes only rows that are not current yet,
so a stopped run is simply run again. Attachment files are re-sealed in place (written aside,
then renamed). `check_keys` counts, for every sealed column of every table and every attachment
file, the rows on a data key id that is not configured, and for the declared hashes the rows
that match none of the configured HMAC keys.
"""
from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from tortoise import Tortoise
from tortoise.models import Model
from tortoise.transactions import in_transaction

from storage.attachments import attachment_root
from storage.crypto import PersonalDataCipher
from storage.key_rotation import Progress
from storage.models import Attachment, Case, OutboxMessage, ReporterIdentity, Staff, StaffBinding
from storage.models.subsidy_watch import SubsidySubscription
from storage.sql import is_postgres
from storage.subsidy_crypto import id_hash

CHUNK = 500
Opened = dict[str, str]


@dataclass(frozen=True)
class Hashed:
    column: str
    # (cipher, row, opened sealed values, HMAC kid) -> the hash this row should hold under that key
    compute: Callable[[PersonalDataCipher, Any, Opened, str | None], str]


@dataclass(frozen=True)
class Table:
    model: type[Model]
    sealed: dict[str, Callable[[Any], str]]  # column -> the row's associated data
    hashed: tuple[Hashed, ...] = field(default=())


def _none(_: Any) -> str:
    return ""


TABLES: dict[str, Table] = {
    "reporter identities": Table(ReporterIdentity, {"openid_enc": _none, "name_enc": _none, "phone_enc": _none}, (
        Hashed("subject_hash", lambda c, r, o, k: c.lookup_hash(f"{r.channel}:{o['openid_enc']}", purpose="reporter",
                                                                kid=k)),)),
    "staff chat bindings": Table(StaffBinding, {"external_enc": _none}, (
        Hashed("subject_hash", lambda c, r, o, k: c.subject_hash(r.channel, o["external_enc"], kid=k)),)),
    "answers of cases": Table(Case, {"answers_enc": _none}),
    "TOTP secrets": Table(Staff, {"totp_secret_enc": lambda r: f"totp:{r.id}"}),
    "outbox recipients": Table(OutboxMessage, {"recipient_enc": _none}),
    "subsidy subscriptions": Table(SubsidySubscription, {"id_enc": _none, "recipient_enc": _none}, (
        Hashed("id_hash", lambda c, r, o, k: id_hash(c, o["id_enc"], kid=k)),
        Hashed("subject_hash", lambda c, r, o, k: c.subject_hash(r.channel, o["recipient_enc"], kid=k)))),
}


SUBSCRIPTIONS = "subsidy subscriptions"  # rotated by storage.subsidy_keys, after the records they follow


def _kid(token: str) -> str:
    return token.partition(".")[0]


async def rotate_table(name: str, cipher: PersonalDataCipher, progress: Progress | None = None) -> int:
    """Re-seal and re-hash one table of TABLES; returns the rows changed."""
    table = TABLES[name]
    changed = seen = last = 0
    while True:
        async with in_transaction() as conn:
            rows = await table.model.filter(id__gt=last).order_by("id").limit(CHUNK).using_db(conn)
            if not rows:
                return changed
            for row in rows:
                last = row.id
                opened = {c: cipher.open(v, aad=aad(row)) for c, aad in table.sealed.items() if (v := getattr(row, c))}
                update: list[str] = []
                for c, aad in table.sealed.items():
                    if c in opened and _kid(getattr(row, c)) != cipher.current_data_kid:
                        setattr(row, c, cipher.seal(opened[c], aad=aad(row)))
                        update.append(c)
                for h in table.hashed:
                    try:
                        value = h.compute(cipher, row, opened, None)
                    except KeyError:  # the value it is computed from is not stored (never was)
                        continue
                    if value != getattr(row, h.column):
                        setattr(row, h.column, value)
                        update.append(h.column)
                if update:
                    await row.save(update_fields=update, using_db=conn)
                    changed += 1
            seen += len(rows)
        if progress:
            progress(name, seen)


def _reseal_file(path: Path, cipher: PersonalDataCipher) -> bool:
    blob = path.read_bytes()
    if blob[1:1 + blob[0]].decode() == cipher.current_data_kid:
        return False
    fresh = cipher.seal_bytes(cipher.open_bytes(blob))
    tmp = path.with_suffix(".rotating")
    with open(tmp, "wb") as fh:
        fh.write(fresh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return True


async def rotate_attachments(cipher: PersonalDataCipher, var_dir: Path, progress: Progress | None = None) -> int:
    root, changed, seen = attachment_root(var_dir), 0, 0
    async for att in _attachments():
        path = root / att.path
        if path.exists() and await asyncio.to_thread(_reseal_file, path, cipher):
            changed += 1
        seen += 1
        if progress and seen % 100 == 0:
            progress("attachment files", seen)
    return changed


async def _attachments() -> Any:
    last = 0
    while rows := await Attachment.filter(id__gt=last).order_by("id").limit(CHUNK).only("id", "path"):
        for att in rows:
            yield att
        last = rows[-1].id


async def rotate_core(cipher: PersonalDataCipher, progress: Progress | None = None) -> dict[str, int]:
    """The rows; the attachment files follow in `key_rotation.rotate_all`, which is told where they are."""
    return {name: await rotate_table(name, cipher, progress) for name in TABLES if name != SUBSCRIPTIONS}


# -- keys check -------------------------------------------------------------------------------

async def _sealed_kids(conn: Any, table: str, column: str) -> dict[str, int]:
    col = f'"{column}"'
    kid = f"split_part({col}, '.', 1)" if is_postgres(conn) else \
        f"substr({col}, 1, instr({col}, '.') - 1)"
    rows = await conn.execute_query_dict(
        f'SELECT {kid} AS kid, COUNT(*) AS n FROM "{table}" WHERE {col} IS NOT NULL AND {col} <> \'\' GROUP BY 1')
    return {str(r["kid"]): int(r["n"]) for r in rows}


async def check_keys(cipher: PersonalDataCipher, var_dir: Path) -> list[str]:
    """One line per problem: rows (or files) still on a key id that is not configured."""
    problems: list[str] = []
    for app in Tortoise.apps.values():
        for model in app.values():
            meta = model._meta
            conn = meta.db
            for column in sorted(f for f in meta.fields_map if f.endswith("_enc")):
                for kid, n in (await _sealed_kids(conn, meta.db_table, column)).items():
                    if kid not in cipher.data_keys:
                        problems.append(f"{meta.db_table}.{column}: {n} rows sealed with data key {kid!r}, "
                                        "which is not configured")
    for name, table in TABLES.items():
        for h in table.hashed:
            stale = 0
            async for row in _rows(table.model):
                try:
                    opened = {c: cipher.open(v, aad=aad(row)) for c, aad in table.sealed.items()
                              if (v := getattr(row, c))}
                    hashes = {h.compute(cipher, row, opened, k) for k in cipher.hmac_keys}
                except Exception:
                    continue  # counted above as sealed with an unknown key, or nothing to hash
                if getattr(row, h.column) not in hashes:
                    stale += 1
            if stale:
                problems.append(f"{name}: {stale} {h.column} values hashed with an HMAC key that is not configured")
    root, files = attachment_root(var_dir), {}
    async for att in _attachments():
        path = root / att.path
        if path.exists():
            head = await asyncio.to_thread(lambda p=path: p.open("rb").read(64))
            kid = head[1:1 + head[0]].decode(errors="replace")
            if kid not in cipher.data_keys:
                files[kid] = files.get(kid, 0) + 1
    problems += [f"attachment files: {n} sealed with data key {kid!r}, which is not configured"
                 for kid, n in files.items()]
    return problems


async def _rows(model: type[Model]) -> Any:
    last = 0
    while rows := await model.filter(id__gt=last).order_by("id").limit(CHUNK):
        for row in rows:
            yield row
        last = rows[-1].id


async def legacy_receipts() -> int:
    """Receipts from before argon2id, still found by an HMAC key until their first look-up."""
    from storage.models import Case
    from storage.receipts import LEGACY_PREFIX

    return await Case.filter(receipt_hash__startswith=LEGACY_PREFIX).count()
