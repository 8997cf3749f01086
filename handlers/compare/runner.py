"""Running the rules: record findings, turn each new one into a clue, let staff explain them.

    run_all ─┬─ each rule: one SQL query ─> hits ─> findings (new ones inserted, known ones refreshed)
             └─ every open finding without a clue ─> file_report(channel="compare") ─> finding.case

A finding is identified by its fingerprint (rule and keys, see `Rule.fingerprint`),
so a second run raises nothing already raised, and an explained finding stays
closed whatever later runs find. Filing and linking happen in one transaction:
a crash between them leaves no clue without its finding. One run at a time
(a Redis lock), since imports start runs of their own.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from tortoise.transactions import in_transaction

from handlers.cases.filing import ReportDraft, file_report
from handlers.cases.transitions import IllegalTransition, transition
from handlers.compare.records import clue_text, finding_records
from handlers.compare.rule import Hit, Rule, to_hit
from storage import audit, keys
from storage.models import Status
from storage.models.compare import Finding, FindingStatus
from storage.sql import is_postgres

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("qingfeng.compare")
LOCK_TIMEOUT_S = 900
FILING_CONCURRENCY = 4  # clues filed at once (PostgreSQL); each is its own transaction
WORK_MEM = "256MB"  # per rule query, for its hash aggregates (PostgreSQL's default 4MB spills to disk)
_CHUNK = 500
_FACTS = ("village_id", "township_id", "records", "amount", "first_paid", "last_paid", "note")


@dataclass
class RunSummary:
    found: dict[str, int] = field(default_factory=dict)  # findings per rule in this run
    new: dict[str, int] = field(default_factory=dict)  # of which first seen now
    clues: int = 0  # clues filed
    seconds: float = 0.0


def _finding(rule: Rule, hit: Hit, fingerprint: str, now: datetime) -> Finding:
    return Finding(rule=rule.name, fingerprint=fingerprint, id_hash=hit.id_hash, village_id=hit.village_id,
                   township_id=hit.township_id, program=hit.program, period=hit.period, records=hit.records,
                   amount=hit.amount, first_paid=hit.first_paid, last_paid=hit.last_paid, note=hit.note,
                   last_seen_at=now)


async def _record(rule: Rule, hits: list[Hit], now: datetime) -> int:
    """Insert the findings not seen before; refresh the facts of the known ones. Returns how many are new."""
    by_fp = {rule.fingerprint(h): h for h in hits}
    known = {f.fingerprint: f for f in await Finding.filter(rule=rule.name).only("id", "fingerprint", *_FACTS)}
    new = [_finding(rule, h, fp, now) for fp, h in by_fp.items() if fp not in known]
    await Finding.bulk_create(new, batch_size=_CHUNK, ignore_conflicts=True)
    seen = [fp for fp in by_fp if fp in known]
    for i in range(0, len(seen), _CHUNK):
        await Finding.filter(fingerprint__in=seen[i:i + _CHUNK]).update(last_seen_at=now)
    for fp in seen:  # facts change rarely (a new payment after a death): update those rows only
        hit, f = by_fp[fp], known[fp]
        changed = {k: getattr(hit, k) for k in _FACTS if getattr(f, k) != getattr(hit, k)}
        if changed:
            await Finding.filter(id=f.id).update(**changed)
    return len(new)


async def _raise_one(f: Finding, services: "Services") -> None:
    from handlers.compare import RULES_BY_NAME

    rule = RULES_BY_NAME[f.rule]
    text = clue_text(f, rule, await finding_records(f, rule, services.cipher))
    draft = ReportDraft(channel="compare", text=text, category=rule.category, township=f.township_id or "",
                        village=f.village_id or "", level="village", source_ref={"finding": f.id}, actor="system")
    async with in_transaction():
        done = await file_report(draft, services)
        await Finding.filter(id=f.id, case_id=None).update(case_id=done.case.id)


async def raise_clues(services: "Services") -> int:
    """File a clue for every open finding that has none yet (a few at once on PostgreSQL's pool)."""
    pending = await Finding.filter(status=FindingStatus.OPEN, case_id=None).order_by("id")
    width = FILING_CONCURRENCY if is_postgres(None) else 1
    gate = asyncio.Semaphore(width)

    async def one(f: Finding) -> None:
        async with gate:
            await _raise_one(f, services)

    await asyncio.gather(*(one(f) for f in pending))
    return len(pending)


async def _hits(rule: Rule) -> list[Hit]:
    """The rule's query; on PostgreSQL with room to hash-aggregate a million rows in memory."""
    async with in_transaction() as conn:
        if is_postgres(conn):
            await conn.execute_script(f"SET LOCAL work_mem = '{WORK_MEM}'")
        return [to_hit(row) for row in await conn.execute_query_dict(rule.sql)]


Progress = Callable[[int, int, str], Awaitable[None]]  # (step done, steps, what runs next)


async def run_all(services: "Services", *, actor: str = "system", progress: Progress | None = None) -> RunSummary:
    """Run every rule over the whole data set and raise the new findings as clues.
    `progress` hears of each step (the panel's job shows it: handlers/compare/job.py)."""
    from handlers.compare import RULES

    started = time.perf_counter()
    summary = RunSummary()
    steps = len(RULES) + 1
    lock = services.redis.lock(keys.compare_run_lock(), timeout=LOCK_TIMEOUT_S, blocking_timeout=LOCK_TIMEOUT_S)
    async with lock:
        now = datetime.now(timezone.utc)
        for i, rule in enumerate(RULES):
            if progress:
                await progress(i, steps, rule.title)
            hits = await _hits(rule)
            summary.found[rule.name] = len(hits)
            summary.new[rule.name] = await _record(rule, hits, now)
        if progress:
            await progress(len(RULES), steps, "生成线索")
        summary.clues = await raise_clues(services)
    summary.seconds = time.perf_counter() - started
    await audit.append(actor, "compare.run", "", {"found": summary.found, "new": summary.new,
                                                  "clues": summary.clues})
    log.info("comparison run: %s new findings, %s clues, %.1f s", sum(summary.new.values()), summary.clues,
             summary.seconds)
    return summary


class NotExplainable(ValueError):
    pass


async def explain(finding_id: int, reason: str, *, actor: str, services: "Services") -> Finding:
    """Staff checked the finding and it is in order: close it (and its clue) for good, with the reason."""
    reason = reason.strip()
    if not reason:
        raise NotExplainable("an explanation needs a reason")
    async with in_transaction():
        f = await Finding.select_for_update().get(id=finding_id)
        if f.status == FindingStatus.EXPLAINED:
            raise NotExplainable(f"finding {finding_id} was already explained by {f.explained_by}")
        f.status, f.explained_reason, f.explained_by = FindingStatus.EXPLAINED, reason, actor
        f.explained_at = datetime.now(timezone.utc)
        await f.save(update_fields=["status", "explained_reason", "explained_by", "explained_at"])
    if f.case_id is not None:  # type: ignore[attr-defined]
        await _close_clue(f.case_id, f.id, reason, actor, services)  # type: ignore[attr-defined]
    await audit.append(actor, "compare.explain", f"finding:{f.id}",
                       {"rule": f.rule, "case": f.case_id})  # type: ignore[attr-defined]
    return f


async def _close_clue(case_id: int, finding_id: int, reason: str, actor: str, services: "Services") -> None:
    from storage.models import Case

    case = await Case.get(id=case_id)
    why = f"比对疑点已核实说明：{reason}"
    target: Any = {Status.RECEIVED: Status.REJECTED, Status.ACCEPTED: Status.RESOLVED,
                   Status.INVESTIGATING: Status.RESOLVED}.get(Status(case.status))
    if target is None:  # already closed by its own course
        return
    try:
        await transition(case_id, target, actor=actor, reason=why, public=False, services=services,
                         updates={"result": why} if target == Status.RESOLVED else None,
                         data={"finding": finding_id})
    except IllegalTransition:  # moved meanwhile: the finding stays explained, the case keeps its course
        log.info("clue %s moved while its finding was explained", case_id)
