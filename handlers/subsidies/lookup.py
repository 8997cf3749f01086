"""The one subsidy lookup, used by the chat (查补贴), the mini-program API and the panel.

    result = await lookup(id_number, name, channel="mp", actor="villager:<subject>", services=services)

- The ID must pass GB 11643; the name must look like a name.
- A name that does not match the ID and an ID with no records give the same
  result (Outcome.NONE), after the same work: the records' name hashes are
  compared, or a dummy when there are none; both are audited and both count
  as a failed try. Nothing tells whether the ID exists.
- Failed tries are limited per sender (5 an hour), and all tries per sender
  (30 an hour); the result says how long to wait. Failures on one ID from
  other senders never block the right ID and name: they are counted per ID and,
  at PROBE_ALERT in an hour, written to the audit log as `subsidy.id_probed`,
  which the panel's subsidy page lists for staff.
- Every lookup is written to SubsidyLookup (hashed ID, channel, actor, count)
  and to the audit chain, never with the ID or the name.
- `scope` (panel): township or village codes the staff member may see.
"""
from __future__ import annotations

import asyncio
import hmac
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Iterable

from tortoise import Tortoise

from nlp.idcard import check_id, mask_id, mask_name, valid_name
from storage import audit, keys
from storage.sql import placeholders
from storage.models import SubsidyLookup
from storage.subsidy_crypto import DUMMY_NAME_HASH, NAME_PURPOSE, id_hash, id_hashes, normalise_name, rate_subject

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from bot.services import Services
    from storage.models import Staff

FAILED_LIMIT = 5  # failed tries per hour, per sender
PROBE_ALERT = 5  # failed tries on one ID in an hour, from anyone, that staff are shown
TRIES_LIMIT = 30  # all tries per hour, per sender
WINDOW_S = 3600
CHANNELS = frozenset({"mp", "work", "miniapp", "panel", "cli"})

NO_MATCH_TEXT = ("没有查到与这个身份证号和姓名相符的发放记录。"
                 "请核对身份证号和姓名(要与发放名册一致)后再试;如果确实应该有补贴却没有记录,可以回复【举报】反映。")
LIMITED_TEXT = "查询次数太多了,为保护大家的信息安全,请{minutes}分钟后再试。"
BAD_NAME_TEXT = "请同时提供姓名(与身份证上一致的中文姓名)。"


class Outcome(StrEnum):
    FOUND = "found"
    NONE = "none"  # no records, or the name does not match: deliberately the same
    INVALID_ID = "invalid_id"
    INVALID_NAME = "invalid_name"
    LIMITED = "limited"


@dataclass(frozen=True)
class RecordView:
    no: int  # 1-based position in the list: what the villager types after 我没收到
    record_id: int
    program: str
    amount: Decimal
    paid_on: date
    village: str  # village name
    village_code: str
    township_code: str

    def as_dict(self) -> dict[str, Any]:
        return {"no": self.no, "record_id": self.record_id, "program": self.program, "amount": f"{self.amount:.2f}",
                "paid_on": self.paid_on.isoformat(), "village": self.village, "village_code": self.village_code}


@dataclass
class LookupResult:
    outcome: Outcome
    records: list[RecordView] = field(default_factory=list)  # newest first
    totals: dict[int, Decimal] = field(default_factory=dict)  # year -> total, newest year first
    name_masked: str = ""
    id_masked: str = ""
    reason: str = ""  # INVALID_ID / INVALID_NAME: what is wrong, for the person who typed it
    wait_minutes: int = 0  # LIMITED
    id_hash: str = ""  # FOUND: current-key hash, for 谁查过我 and 订阅 (never shown)

    @property
    def found(self) -> bool:
        return self.outcome is Outcome.FOUND

    def message(self) -> str:
        """The villager-facing text for every outcome but FOUND (which the channel lays out)."""
        if self.outcome is Outcome.LIMITED:
            return LIMITED_TEXT.format(minutes=self.wait_minutes)
        if self.outcome in (Outcome.INVALID_ID, Outcome.INVALID_NAME):
            return self.reason
        return NO_MATCH_TEXT

    def as_dict(self) -> dict[str, Any]:
        """For the mini-program API and the panel: masked, no hashes."""
        return {"outcome": self.outcome.value, "message": "" if self.found else self.message(),
                "name": self.name_masked, "id_number": self.id_masked,
                "records": [r.as_dict() for r in self.records],
                "totals": [{"year": y, "amount": f"{t:.2f}"} for y, t in self.totals.items()],
                "wait_minutes": self.wait_minutes}


def scope_of(staff: "Staff") -> set[str] | None:
    """The codes a staff member's lookups are limited to; None for county roles (the whole county)."""
    from storage.models import COUNTY_ROLES

    if staff.role in COUNTY_ROLES or staff.role == "auditor":
        return None
    return {staff.scope_code} if staff.scope_code else set()


async def _limits(r: "Redis", sender: str) -> int:
    """Minutes this sender must wait, or 0 when this try may go ahead (nobody else's tries count)."""
    fail_sender, tries = keys.subsidy_failures("sender", sender), keys.subsidy_tries(sender)
    async with r.pipeline(transaction=False) as pipe:
        for k in (fail_sender, tries):
            pipe.get(k)
            pipe.ttl(k)
        v = await pipe.execute()
    counts = [int(v[i] or 0) for i in (0, 2)]
    ttls = [int(v[i]) for i in (1, 3)]
    waits = [ttl for c, ttl, lim in zip(counts, ttls, (FAILED_LIMIT, TRIES_LIMIT)) if c >= lim]
    return max(1, math.ceil(max(waits) / 60)) if waits else 0


async def _count(r: "Redis", names: Iterable[str]) -> list[int]:
    """Count one try in each window; returns the new counts."""
    async with r.pipeline(transaction=False) as pipe:
        for k in names:  # SET NX EX then INCR: the window starts at the first try (works on Redis < 7 too)
            pipe.set(k, 0, ex=WINDOW_S, nx=True)
            pipe.incr(k)
        return [int(c) for c in (await pipe.execute())[1::2]]


async def _probed(id_h: str, failures: int) -> None:
    """Someone keeps trying names on one ID: staff see it (the panel lists these entries), the owner is not blocked."""
    await audit.append("system", "subsidy.id_probed", f"subsidy_id:{id_h[:16]}", {"id_hash": id_h,
                                                                                "failures": failures})


async def _records(hashes: list[str]) -> list[Any]:
    """(id, name_hash, program, amount, paid_on, village code, village name, township code), newest first."""
    conn = Tortoise.get_connection("default")
    ph = ", ".join(placeholders(conn, len(hashes)))
    _, rows = await conn.execute_query(
        "SELECT r.id, r.name_hash, r.program, r.amount, r.paid_on, r.village_id, v.name, v.township_id "
        "FROM subsidy_record r JOIN village v ON v.code = r.village_id "
        f"WHERE r.id_hash IN ({ph}) ORDER BY r.paid_on DESC, r.id DESC", hashes)
    return [tuple(r) for r in rows]


async def _audit(id_h: str, channel: str, actor: str, records: int) -> None:
    async with audit.transaction() as entries:  # one commit for both rows, anchored after it
        entry = await SubsidyLookup.create(id_hash=id_h, channel=channel, actor=actor, records=records,
                                           using_db=entries.conn)
        await entries.append(actor, "subsidy.lookup", f"subsidy_lookup:{entry.id}",
                             {"channel": channel, "records": records})


async def lookup(id_number: str, name: str, *, channel: str, actor: str, services: "Services",
                 scope: set[str] | None = None) -> LookupResult:
    """`actor`: "villager:<subject>", "miniapp:<subject>", "staff:<id>" — never an openid."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    chk = check_id(id_number)
    if not chk.ok:
        return LookupResult(Outcome.INVALID_ID, reason=chk.reason)
    name = normalise_name(name)
    if not valid_name(name):
        return LookupResult(Outcome.INVALID_NAME, reason=BAD_NAME_TEXT)
    cipher = services.cipher
    number = chk.number
    sender = cipher.lookup_hash(actor, purpose="subsidy-actor")[:32]
    id_subject = rate_subject(cipher, number)
    # The limits and the records are fetched at once; one query whatever the outcome, then the same
    # comparison: an absent ID and a wrong name cost the same.
    wait, rows = await asyncio.gather(_limits(services.redis, sender), _records(id_hashes(cipher, number)))
    if wait:
        return LookupResult(Outcome.LIMITED, wait_minutes=wait)
    wanted = cipher.all_lookup_hashes(name, purpose=NAME_PURPOSE)
    pool = rows or [(0, DUMMY_NAME_HASH, "", "0", None, "", "", "")]
    matched = [r for r in pool if any(hmac.compare_digest(r[1], w) for w in wanted) and r[0]]
    matched = [r for r in matched if scope is None or r[5] in scope or r[7] in scope]
    views = [RecordView(i, rid, prog, Decimal(amount), paid if isinstance(paid, date) else date.fromisoformat(paid),
                        vname, vcode, tcode)
             for i, (rid, _, prog, amount, paid, vcode, vname, tcode) in enumerate(matched, 1)]
    current = id_hash(cipher, number)
    _, counts = await asyncio.gather(_audit(current, channel, actor[:64], len(views)), _count(services.redis, [
        keys.subsidy_tries(sender)] + ([] if views else [keys.subsidy_failures("sender", sender),
                                                         keys.subsidy_failures("id", id_subject)])))
    if not views:
        if counts[-1] == PROBE_ALERT:
            await _probed(current, counts[-1])
        return LookupResult(Outcome.NONE)
    totals: dict[int, Decimal] = {}
    for v in views:
        totals[v.paid_on.year] = totals.get(v.paid_on.year, Decimal("0")) + v.amount
    return LookupResult(Outcome.FOUND, views, dict(sorted(totals.items(), reverse=True)),
                        name_masked=mask_name(name), id_masked=mask_id(number), id_hash=current)


async def who_looked_me_up(id_hash: str | list[str], *, limit: int = 50) -> list[datetime]:
    """When this ID's records were looked up (not by whom), newest first."""
    hashes = [id_hash] if isinstance(id_hash, str) else list(id_hash)
    return list(await SubsidyLookup.filter(id_hash__in=hashes).order_by("-at").limit(limit).values_list("at", flat=True))


@dataclass(frozen=True)
class LookedUp:
    at: datetime
    by: str  # the office or the channel, in Chinese: never a person
    by_staff: bool = False  # staff checking in the panel


# Who looked, as the villager is told it: an office for staff, the channel for everyone else.
CHANNEL_LOOKUPS = {"mp": "通过公众号查询", "work": "通过企业微信查询", "miniapp": "通过小程序查询",
                   "cli": "县纪委监委系统管理员核查", "panel": "纪检监察机关工作人员核查"}


async def lookups_by(id_hash: str | list[str], registry: Any, *, limit: int = 50) -> list[LookedUp]:
    """When this ID's records were looked up and by which kind of office or channel, newest first: a staff
    lookup in the panel names the commission ("南坝镇纪委工作人员核查"), never the staff member."""
    from storage.models import COUNTY_ROLES, Staff

    hashes = [id_hash] if isinstance(id_hash, str) else list(id_hash)
    rows = await SubsidyLookup.filter(id_hash__in=hashes).order_by("-at").limit(limit).values_list(
        "at", "channel", "actor")
    staff_ids = {int(a.split(":", 1)[1]) for _, _, a in rows if a.startswith("staff:") and a[6:].isdigit()}
    staff = {s.id: s for s in await Staff.filter(id__in=staff_ids)} if staff_ids else {}

    def by(channel: str, actor: str) -> str:
        member = staff.get(int(actor[6:])) if actor.startswith("staff:") and actor[6:].isdigit() else None
        if member is None:
            return CHANNEL_LOOKUPS.get(channel, "其他渠道查询")
        code = member.scope_code or ""
        village = registry.villages.get(code)
        town = village.township if village else code
        office = registry.county_commission if member.role in COUNTY_ROLES else registry.commission_name(town)
        return f"{office or registry.county_commission}工作人员核查"

    return [LookedUp(at, by(channel, actor), channel == "panel" or actor.startswith("staff:"))
            for at, channel, actor in rows]
