"""Importing disbursement tables: all or nothing, every bad row reported, re-imports add nothing.

    import_subsidies(path, cipher, skip_bad=False) -> ImportSummary

One pass over the file inside one transaction: each row is checked
(storage.subsidy_rows), its ID and name hashed and sealed, and written in
chunks — PostgreSQL by COPY on tortoise's own asyncpg connection, SQLite by
executemany. A bad row stops the writing but not the checking, so the admin
gets every problem at once; then the transaction is rolled back, unless
`skip_bad` asked for the good rows only. The same file (by SHA-256) is not
imported twice, and a row already in the database (by its keyed fingerprint)
is not written again. Subscribers to new records get an outbox message in the
same transaction (SPEC: nothing may be lost).
"""
from __future__ import annotations

import asyncio
import gc
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable

from tortoise.transactions import in_transaction

from storage.china_time import today as china_today
from storage.crypto import PersonalDataCipher
from storage.models import ImportBatch, OutboxMessage, Village
from storage.models.subsidy_watch import SubsidySubscription
from storage.sql import is_postgres, placeholders
from storage.subsidy_crypto import RowSealer, row_fingerprint
from storage.subsidy_rows import (FileProblem, Row, VillageResolver, clear_caches, inspect_file, iter_raw, parse_row,
                                  xlsx_rows)

log = logging.getLogger("qingfeng.subsidies.import")

KIND = "subsidies"
CHUNK = 5000
_LOCK_ID = 0x71660006  # one subsidy import (or key rotation) at a time
COLUMNS = ("batch_id", "id_hash", "id_enc", "name_hash", "name_enc", "program", "amount", "paid_on",
           "village_id", "source", "fingerprint", "created_at")
NEW_RECORDS_TEXT = "清风提醒:您名下新增了{n}条惠民资金发放记录。回复【查补贴】可查看详情,如有疑问可直接反映。"


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str


@dataclass
class ImportSummary:
    filename: str
    sha256: str = ""
    rows: int = 0  # data rows read
    imported: int = 0  # new records written
    existing: int = 0  # good rows already in the database (an overlapping earlier file)
    bad: list[BadRow] = field(default_factory=list)
    batch_id: int | None = None
    already_imported: int | None = None  # batch id of an earlier import of this very file
    committed: bool = False
    notified: int = 0  # subscribers told of new records
    problem: str = ""  # the file as a whole could not be read
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problem and (not self.bad or self.committed)


class _Rollback(Exception):
    pass


async def load_resolver() -> VillageResolver:
    rows = await Village.all().values_list("code", "name", "aliases", "township__name")
    return VillageResolver([(c, n, list(a or []), t or "") for c, n, a, t in rows])


PERSON_CACHE = 1 << 19  # people per import kept hashed and sealed (~300 bytes each)


def _person(row: Row, sealer: RowSealer, people: dict[tuple[str, str], tuple[str, str, str, str]]
            ) -> tuple[str, str, str, str]:
    """(id_hash, id_enc, name_hash, name_enc), made once per person and import.

    Reusing a person's sealed values on their other rows says no more than the equal id_hash
    beside them, and never reuses a nonce for a different value.
    """
    key = (row.id_number, row.name)
    person = people.get(key)
    if person is None:
        if len(people) >= PERSON_CACHE:
            people.clear()
        person = people[key] = (sealer.id_hash(row.id_number), sealer.seal(row.id_number),
                                sealer.name_hash(row.name), sealer.seal(row.name))
    return person


class _PgWriter:
    """COPY in chunks; the next chunk is parsed while PostgreSQL stores this one."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.written = 0
        self.existing = 0
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.conn.execute_query("SELECT pg_advisory_xact_lock($1)", [_LOCK_ID])

    async def add(self, records: list[tuple[Any, ...]]) -> None:
        await self.wait()
        self._task = asyncio.ensure_future(self._copy(records))

    async def _copy(self, records: list[tuple[Any, ...]]) -> None:
        async with self.conn.acquire_connection() as raw:
            fps = [r[10] for r in records]
            known = {r[0] for r in await raw.fetch(
                "SELECT fingerprint FROM subsidy_record WHERE fingerprint = ANY($1::varchar[])", fps)}
            if known:
                records = [r for r in records if r[10] not in known]
                self.existing += len(known)
            if records:
                await raw.copy_records_to_table("subsidy_record", records=records, columns=list(COLUMNS))
                self.written += len(records)

    async def wait(self) -> None:
        if self._task is not None:
            task, self._task = self._task, None
            await task

    async def abandon(self) -> None:
        """Leaving on an error: let the COPY in flight end before the transaction rolls back."""
        if self._task is not None:
            task, self._task = self._task, None
            await asyncio.gather(task, return_exceptions=True)


class _SqliteWriter:
    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.written = 0
        self.existing = 0
        self._sql = (f"INSERT OR IGNORE INTO subsidy_record ({', '.join(COLUMNS)}) "
                     f"VALUES ({', '.join('?' for _ in COLUMNS)})")
        self._sent = 0

    async def start(self) -> None:
        pass

    async def add(self, records: list[tuple[Any, ...]]) -> None:
        await self.conn.execute_many(self._sql, [list(r) for r in records])
        self._sent += len(records)

    async def wait(self) -> None:
        pass

    async def abandon(self) -> None:
        pass

    async def count(self, batch_id: int) -> None:
        _, rows = await self.conn.execute_query("SELECT COUNT(*) AS n FROM subsidy_record WHERE batch_id = ?", [batch_id])
        self.written = int(rows[0]["n"])
        self.existing = self._sent - self.written


async def import_subsidies(path: Path | str, cipher: PersonalDataCipher, *, skip_bad: bool = False,
                           actor: str = "cli", progress: Callable[[int, int], None] | None = None,
                           today: date | None = None, chunk: int = CHUNK) -> ImportSummary:
    """Import a CSV or XLSX disbursement table. `progress(rows_done, rows_estimate)` is called per chunk.

    Subscribers are told by a message whose template (outside WeChat's 48 h window) is chosen
    when it is sent (Settings.tpl, purpose "subsidy")."""
    path = Path(path)
    started = asyncio.get_running_loop().time()
    summary = ImportSummary(filename=path.name)
    try:
        info = inspect_file(path)
    except OSError as exc:
        summary.problem = f"无法读取文件:{exc.strerror}"
        return summary
    summary.sha256 = info.sha256
    prior = await ImportBatch.filter(kind=KIND, sha256=info.sha256).order_by("id").first()
    if prior is not None:
        summary.already_imported = prior.id
        return summary
    estimate = xlsx_rows(path) if info.xlsx else max(info.lines - 1, 0)
    resolver = await load_resolver()
    today = today or china_today()
    sealer = RowSealer(cipher)
    gc_was_on = gc.isenabled()
    gc.disable()  # a million acyclic tuples: refcounting frees them; the cycle collector would rescan them all
    try:
        async with in_transaction() as conn:
            writer: Any = _PgWriter(conn) if is_postgres(conn) else _SqliteWriter(conn)
            await writer.start()
            batch = await ImportBatch.create(kind=KIND, filename=path.name[:255], sha256=info.sha256,
                                             actor=actor[:64], using_db=conn)
            now = datetime.now(timezone.utc)
            people: dict[tuple[str, str], tuple[str, str, str, str]] = {}
            seen: dict[bytes, int] = {}  # fingerprint prefix -> line: a row twice in one file is an error
            pending: list[tuple[Any, ...]] = []
            try:
                for raw in iter_raw(path, info):
                    summary.rows += 1
                    row = parse_row(raw, resolver, today)
                    if isinstance(row, str):
                        summary.bad.append(BadRow(raw.line, row))
                        continue
                    idh, id_enc, nh, name_enc = _person(row, sealer, people)
                    fp = row_fingerprint(idh, nh, row.program, row.amount, row.paid_on, row.village)
                    key = bytes.fromhex(fp[:32])
                    first = seen.setdefault(key, raw.line)
                    if first != raw.line:
                        summary.bad.append(BadRow(raw.line, f"与第{first}行完全相同(重复行)"))
                        continue
                    if summary.bad and not skip_bad:
                        continue  # keep checking to report every bad row; nothing will be written
                    pending.append((batch.id, idh, id_enc, nh, name_enc, row.program, row.amount, row.paid_on,
                                    row.village, row.source, fp, now))  # in COLUMNS order
                    if len(pending) % 128 == 0:
                        await asyncio.sleep(0)  # let the COPY in flight stream while we parse
                    if len(pending) >= chunk:
                        await writer.add(pending)
                        pending = []
                        if progress:
                            progress(summary.rows, estimate)
                if pending and not (summary.bad and not skip_bad):
                    await writer.add(pending)
                await writer.wait()
            finally:
                await writer.abandon()
            if progress:
                progress(summary.rows, summary.rows)
            if isinstance(writer, _SqliteWriter):
                await writer.count(batch.id)
            summary.imported, summary.existing = writer.written, writer.existing
            if (summary.bad and not skip_bad) or summary.imported == 0:
                raise _Rollback()
            batch.rows = summary.imported
            await batch.save(update_fields=["rows"], using_db=conn)
            summary.notified = await _queue_notifications(conn, batch.id)
            summary.batch_id = batch.id
            summary.committed = True
    except _Rollback:
        summary.imported = 0 if summary.bad and not skip_bad else summary.imported
    except FileProblem as exc:
        summary.problem = str(exc)
    finally:
        clear_caches()
        if gc_was_on:
            gc.enable()
    summary.seconds = asyncio.get_running_loop().time() - started
    if summary.committed:
        from storage import audit

        await audit.append(actor[:64], "subsidies.import", f"import_batch:{summary.batch_id}",
                           {"rows": summary.rows, "imported": summary.imported, "existing": summary.existing,
                            "skipped_bad": len(summary.bad), "sha256": summary.sha256, "notified": summary.notified})
    log.info("subsidy import %s: rows=%d imported=%d existing=%d bad=%d committed=%s",
             summary.sha256[:12], summary.rows, summary.imported, summary.existing, len(summary.bad), summary.committed)
    return summary


async def _queue_notifications(conn: Any, batch_id: int) -> int:
    """One outbox message per subscriber with new records in this batch, in the import's transaction."""
    ph = placeholders(conn, 1)[0]
    _, rows = await conn.execute_query(
        "SELECT s.id AS id, (SELECT COUNT(*) FROM subsidy_record r WHERE r.id_hash = s.id_hash "
        f"AND r.batch_id = {ph}) AS n FROM subsidy_subscription s", [batch_id])
    due = {int(r["id"]): int(r["n"]) for r in rows if int(r["n"]) > 0}
    if not due:
        return 0
    now = datetime.now(timezone.utc)
    subs = await SubsidySubscription.filter(id__in=list(due)).using_db(conn)
    for sub in subs:
        await OutboxMessage.create(
            # a WeCom member gets an app message; a follower a customer-service text (template outside 48 h)
            kind="wecom_app" if sub.channel == "work" else "custom_text", recipient_enc=sub.recipient_enc,
            next_attempt_at=now, using_db=conn,
            payload={"channel": sub.channel, "text": NEW_RECORDS_TEXT.format(n=due[sub.id]),
                     "about": "subsidy_new_records", "batch": batch_id,
                     # outside WeChat's 48 h window only a template message can reach the villager
                     "template": {"purpose": "subsidy",
                                  "values": {"title": "您名下有新的惠民资金发放记录", "count": str(due[sub.id]),
                                             "hint": "回复【查补贴】可查看详情"}}},
        )
        sub.last_batch_id = batch_id
        await sub.save(update_fields=["last_batch_id"], using_db=conn)
    return len(subs)


async def import_path(path: Path | str, *, cipher: PersonalDataCipher, skip_bad: bool = False,
                      actor: str = "demo") -> ImportSummary:
    """`import_subsidies` as the demo calls it (the cipher by keyword, the actor "demo")."""
    return await import_subsidies(path, cipher, skip_bad=skip_bad, actor=actor)
