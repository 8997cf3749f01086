"""Linked reports (意见集中): a new report of the same matter as an open case of the village joins it.

The first open case of a cluster is its root; every later report of the same matter points to
the root (Case.linked_to) and raises the root's priority by one, so the office sees the cluster
together (`cluster()`) and the biggest first. Candidates are the open cases of the same village and
office (never across an avoidance); the matter decides (nlp.same_matter: never another accused, post or
name, another fund or another period; then a score of the same fund and act, the same category and the rare
words both reports say, by meaning rather than shared characters, so a matter the classifier filed under two
rows still meets when what the reports say agrees).

One person's reports never make a cluster by themselves: a case whose cluster already holds a report
of the same filer is no candidate. The filer is known by keyed digests only — the 实名 identity's
subject hash, the person a 查补贴 dispute is about (the record's ID hash), and for every chat or
mini-program filing (匿名 too) a digest of the sender kept in Redis for FILER_TTL_S, never in the
case's row. The same digests refuse a villager's 附议 of their own report (`filed_by`).
A villager's 附议 of an open case (`support`, the mini-program's /reports/follow) raises it the same way.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from nlp.idcard import mask_numbers_in_text
from storage import audit, keys
from storage.models import OPEN_STATUSES, Case, CaseEvent, ReporterIdentity, SubsidyRecord

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from bot.services import Services
    from nlp.similar import MatterMatch
    from storage.crypto import PersonalDataCipher

log = logging.getLogger("qingfeng.linking")
MAX_CANDIDATES = 200  # one village and office, still open: far fewer in practice
FILER_TTL_S = 180 * 24 * 3600  # longer than any case stays open (30 days, then 督办)


def _sender_digests(cipher: "PersonalDataCipher", channel: str, sender: str) -> set[str]:
    """Under every key, so a rotation does not split one person in two."""
    return {h[:32] for h in cipher.all_lookup_hashes(f"{channel}:{sender}", purpose="filer")}


async def remember_filer(case_id: int, channel: str, sender: str | None, services: "Services") -> None:
    """Called by filing for every case; a case without a known sender clears a stale key of its id."""
    try:
        if sender:
            digests = _sender_digests(services.cipher, channel, sender)
            await services.redis.set(keys.case_filer(case_id), ",".join(sorted(digests)), ex=FILER_TTL_S)
        else:
            await services.redis.delete(keys.case_filer(case_id))
    except Exception as exc:  # a filing never fails for this: identity and dispute digests still hold
        log.warning("case %s: filer digest not kept: %s", case_id, type(exc).__name__)


async def _filers(cases: list[Case], redis: "Redis", conn: Any) -> dict[int, set[str]]:
    """Per case, the digests that say who filed it (empty: unknown, e.g. a panel entry or Redis lost)."""
    out: dict[int, set[str]] = {c.id: set() for c in cases}
    if not cases:
        return out
    ids = list(out)
    for ident in await ReporterIdentity.filter(case_id__in=ids).using_db(conn).values("case_id", "subject_hash"):
        out[ident["case_id"]].add("id:" + ident["subject_hash"])
    records = {c.id: int(c.source_ref["subsidy_record"]) for c in cases
               if isinstance(c.source_ref, dict) and c.source_ref.get("subsidy_record")}
    if records:
        hashes = dict(await SubsidyRecord.filter(id__in=set(records.values())).using_db(conn).values_list("id", "id_hash"))
        for case_id, rec in records.items():
            if rec in hashes:
                out[case_id].add("person:" + str(hashes[rec]))
    try:
        tags = await redis.mget([keys.case_filer(i) for i in ids])
    except Exception as exc:
        log.warning("filer digests not read: %s", type(exc).__name__)
        tags = [None] * len(ids)
    for case_id, tag in zip(ids, tags):
        if tag:
            out[case_id].update("tag:" + t for t in (tag.decode() if isinstance(tag, bytes) else tag).split(","))
    return out


def _match(case: Case, other: Case) -> "MatterMatch":
    from nlp import matter, same_matter

    return same_matter(matter(case.text, case.category), matter(other.text, other.category))


async def find_similar(case: Case, conn: Any, redis: "Redis") -> tuple[Case, "MatterMatch"] | None:
    if not case.village_id or case.channel == "compare":
        return None  # comparison clues about different people read alike: they are not one complaint
    # Only cases of the same office: a cluster is handled together and every event and notification of it
    # names its members, so a township case never joins (or learns of) a case routed away from the township.
    # Every category of the village: same_matter counts a shared category, but lets one matter filed under two
    # rows (the classifier's act/domain split) meet when what the two reports say agrees.
    candidates = await Case.filter(village_id=case.village_id, status__in=OPEN_STATUSES, office=case.office,
                                   id__lt=case.id).exclude(channel="compare").exclude(category="other") \
        .using_db(conn).order_by("-id").limit(MAX_CANDIDATES)
    filers = await _filers([case, *candidates], redis, conn)
    mine = filers[case.id]
    in_cluster: dict[int, set[str]] = {}
    for c in candidates:
        in_cluster.setdefault(c.linked_to_id or c.id, set()).update(filers[c.id])
    scored = []
    for c in candidates:
        if mine & in_cluster[c.linked_to_id or c.id]:
            continue  # this person is already in that cluster: their report does not make it bigger
        m = _match(case, c)
        if m.same:
            scored.append((m.score, -c.id, c, m))
    if not scored:
        return None
    _, _, best, m = max(scored, key=lambda s: (s[0], s[1]))
    return best, m


async def filed_by(case: Case, channel: str, sender: str, services: "Services") -> bool:
    """Whether this sender filed the case (their 附议 of it would count them twice)."""
    found = (await _filers([case], services.redis, None))[case.id]
    reporter = {"id:" + h for h in services.cipher.all_lookup_hashes(f"{channel}:{sender}", purpose="reporter")}
    return bool(found & ({"tag:" + d for d in _sender_digests(services.cipher, channel, sender)} | reporter))


async def similar_open(text: str, category: str, village: str, *, channel: str, sender: str,
                       services: "Services", limit: int = 50) -> list[Case]:
    """Open cases of the village that report the same matter as this text, the sender's own left out."""
    from nlp import matter, same_matter

    if not village or category == "other":
        return []
    candidates = await Case.filter(village_id=village, status__in=OPEN_STATUSES).exclude(channel="compare") \
        .exclude(category="other").order_by("-created_at", "-id").limit(limit)
    mine = matter(text, category)
    found = [c for c in candidates if same_matter(mine, matter(c.text, c.category)).same]
    return [c for c in found if not await filed_by(c, channel, sender, services)]


async def raise_priority(case_id: int, conn: Any = None) -> None:
    """意见集中, the one rule: each similar report or 附议 raises the case's priority by one."""
    await Case.filter(id=case_id).using_db(conn).update(priority=F("priority") + 1)


async def support(case_id: int, *, channel: str) -> None:
    """A villager's 附议: the priority rises, and the event says so without naming anyone."""
    from handlers.cases.transitions import record

    async with in_transaction() as conn:
        await raise_priority(case_id, conn)
        await record(case_id, "followed", actor="reporter", reason="群众附议", data={"channel": channel}, conn=conn)


async def on_filed(case: Case, conn: Any, services: "Services") -> None:
    found = await find_similar(case, conn, services.redis)
    if found is None:
        return
    match, why = found
    root_id = match.linked_to_id or match.id
    await raise_priority(root_id, conn)
    root = await Case.get(id=root_id, using_db=conn)
    case.linked_to_id = root_id
    case.priority = root.priority
    await case.save(update_fields=["linked_to_id", "priority"], using_db=conn)
    size = root.priority + 1
    await CaseEvent.create(case_id=root_id, actor="system", kind="linked", from_status=root.status,
                           to_status=root.status, reason=f"相似反映 {case.number} 已关联,共 {size} 件({why.reason})",
                           data={"case": case.number, "size": size, "score": why.score}, using_db=conn)
    await CaseEvent.create(case=case, actor="system", kind="linked", from_status=case.status, to_status=case.status,
                           reason=f"与 {root.number} 相似,已关联({why.reason})",
                           data={"root": root.number, "size": size, "score": why.score}, using_db=conn)


async def cluster(case_id: int) -> list[Case]:
    """The case's cluster: its root first, then the linked reports oldest first."""
    case = await Case.get(id=case_id)
    root_id = case.linked_to_id or case.id
    return [await Case.get(id=root_id), *await Case.filter(linked_to_id=root_id).order_by("id")]


async def _cluster_size(root_id: int, conn: Any) -> int:
    return 1 + await Case.filter(linked_to_id=root_id).using_db(conn).count()


async def merge_into(case_id: int, target_id: int, *, actor: str, reason: str) -> Case:
    """手动并案: staff judge `case_id` a duplicate of `target_id`'s cluster; it (and any reports linked to it)
    joins that cluster's root, whose priority rises by one per report, the one rule (`raise_priority`).
    Events on both cases (and on each report that moves with it) say who and why; the audit entry `case.merge`
    is written in the same transaction."""
    from handlers.cases.scope import BadInput
    from handlers.cases.transitions import record
    async with audit.transaction() as entries:
        conn = entries.conn
        case = await Case.select_for_update().using_db(conn).get(id=case_id)
        target = await Case.select_for_update().using_db(conn).get(id=target_id)
        root_id = target.linked_to_id or target.id
        if root_id == case.id or case.linked_to_id == root_id:
            raise BadInput(f"案件 {case.number} 与 {target.number} 已在同一组关联案件中")
        if case.linked_to_id:
            raise BadInput(f"案件 {case.number} 已关联到其他案件，请先解除关联再合并")
        if case.office != target.office or not case.office:
            raise BadInput(f"案件 {case.number} 与 {target.number} 由不同单位承办，不能合并（可先改派）")
        root = target if root_id == target.id else await Case.select_for_update().using_db(conn).get(id=root_id)
        moving = await Case.filter(linked_to_id=case.id).using_db(conn).order_by("id")
        for _ in range(1 + len(moving)):
            await raise_priority(root_id, conn)
        priority = (await Case.get(id=root_id, using_db=conn)).priority
        size = await _cluster_size(root_id, conn) + 1 + len(moving)
        for child in moving:
            await record(child.id, "merged", actor=actor, reason=f"随 {case.number} 并入 {root.number}：{reason}",
                         data={"root": root.number, "with": case.number, "size": size}, conn=conn,
                         updates={"linked_to_id": root_id, "priority": priority})
        await record(case.id, "merged", actor=actor, reason=f"并入 {root.number}：{reason}",
                     data={"root": root.number, "size": size, "moved": len(moving)}, conn=conn,
                     updates={"linked_to_id": root_id, "priority": priority})
        await record(root.id, "merged", actor=actor, reason=f"{case.number} 并入本件：{reason}",
                     data={"case": case.number, "size": size}, conn=conn)
        await entries.append(actor, "case.merge", case.number or str(case.id),  # numbers typed in are masked
                             {"into": root.number, "moved": len(moving), "reason": mask_numbers_in_text(reason)})
    return await Case.get(id=case_id)


async def unlink(case_id: int, *, actor: str, reason: str) -> Case:
    """解除关联: staff judge a linked report not a duplicate after all; it leaves the cluster, the root's
    priority falls by the one this report added, and the report keeps only its own 附议 (audited: `case.unlink`)."""
    from handlers.cases.scope import BadInput
    from handlers.cases.transitions import record
    async with audit.transaction() as entries:
        conn = entries.conn
        case = await Case.select_for_update().using_db(conn).get(id=case_id)
        if not case.linked_to_id:
            raise BadInput(f"案件 {case.number} 没有关联到其他案件")
        root = await Case.select_for_update().using_db(conn).get(id=case.linked_to_id)
        own = await CaseEvent.filter(case_id=case.id, kind="followed").using_db(conn).count()
        await record(case.id, "unlinked", actor=actor, reason=f"与 {root.number} 解除关联：{reason}",
                     data={"root": root.number}, conn=conn, updates={"linked_to_id": None, "priority": own})
        await record(root.id, "unlinked", actor=actor, reason=f"{case.number} 解除关联：{reason}",
                     data={"case": case.number}, conn=conn, updates={"priority": max(0, root.priority - 1)})
        await entries.append(actor, "case.unlink", case.number or str(case.id),
                             {"root": root.number, "reason": mask_numbers_in_text(reason)})
    return await Case.get(id=case_id)
