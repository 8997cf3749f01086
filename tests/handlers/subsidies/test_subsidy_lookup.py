"""The one lookup service: masked records, neutral no-match, limits with the wait stated, audit, 谁查过我, scope."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from handlers.subsidies.lookup import FAILED_LIMIT, NO_MATCH_TEXT, PROBE_ALERT, Outcome, lookup, who_looked_me_up
from nlp.idcard import R_CHECK, make_id
from storage import keys
from storage.models import AuditEntry, SubsidyLookup
from storage.subsidy_crypto import rate_subject
from tests.handlers.subsidies.conftest import HU, LI, STRANGER, ZHAO


async def test_found_records_are_masked_newest_first_with_totals_per_year(imported: Any) -> None:
    r = await lookup(HU.id_number, HU.name, channel="mp", actor="villager:a", services=imported)
    assert r.outcome is Outcome.FOUND
    assert r.name_masked == "胡*山" and r.id_masked == HU.id_number[:4] + "*" * 10 + HU.id_number[-4:]
    assert [(v.no, v.paid_on, v.program) for v in r.records] == [
        (1, date(2026, 5, 20), "耕地地力保护补贴"), (2, date(2026, 3, 15), "农村低保"), (3, date(2025, 11, 30), "危房改造补助")]
    assert {v.village for v in r.records} == {"胡家庄村"}
    assert r.totals == {2026: Decimal("2402.50"), 2025: Decimal("20000.00")}
    blob = json.dumps(r.as_dict(), ensure_ascii=False)
    assert HU.id_number not in blob and HU.name not in blob


async def test_name_mismatch_is_indistinguishable_from_an_unknown_id(imported: Any) -> None:
    wrong_name = await lookup(HU.id_number, "胡小山", channel="mp", actor="villager:a", services=imported)
    unknown_id = await lookup(ZHAO.id_number, ZHAO.name, channel="mp", actor="villager:b", services=imported)
    assert wrong_name == unknown_id and wrong_name.outcome is Outcome.NONE
    assert wrong_name.message() == unknown_id.message() == NO_MATCH_TEXT
    assert wrong_name.as_dict() == unknown_id.as_dict()
    # Both audited the same way, both counted as a failed try for their ID.
    rows = await SubsidyLookup.all().order_by("id").values_list("channel", "records")
    assert rows == [("mp", 0), ("mp", 0)]
    details = [e.detail for e in await AuditEntry.filter(action="subsidy.lookup").order_by("id")]
    assert details[0] == details[1] == {"channel": "mp", "records": 0}
    for p in (HU, ZHAO):
        assert await imported.redis.get(keys.subsidy_failures("id", rate_subject(imported.cipher, p.id_number))) == b"1"


async def test_invalid_id_is_refused_with_its_reason_and_not_looked_up(imported: Any) -> None:
    bad = HU.id_number[:-1] + ("1" if HU.id_number[-1] != "1" else "2")
    r = await lookup(bad, HU.name, channel="mp", actor="villager:a", services=imported)
    assert r.outcome is Outcome.INVALID_ID and r.message() == R_CHECK
    assert await SubsidyLookup.all().count() == 0


async def test_five_failed_tries_per_sender_then_a_stated_wait(imported: Any) -> None:
    for i in range(FAILED_LIMIT):
        other = make_id("610798", date(1970, 1, 1 + i), 300 + i)
        assert (await lookup(other, "某某某", channel="mp", actor="villager:x", services=imported)).outcome is Outcome.NONE
    blocked = await lookup(HU.id_number, HU.name, channel="mp", actor="villager:x", services=imported)
    assert blocked.outcome is Outcome.LIMITED and blocked.wait_minutes == 60 and "60分钟" in blocked.message()
    assert not blocked.records
    # The wait shrinks with the window, and another sender is not affected.
    sender_keys = [k async for k in imported.redis.scan_iter(keys.subsidy_failures("sender", "*"))]
    await imported.redis.expire(sender_keys[0], 125)
    again = await lookup(HU.id_number, HU.name, channel="mp", actor="villager:x", services=imported)
    assert again.wait_minutes == 3
    assert (await lookup(HU.id_number, HU.name, channel="mp", actor="villager:y", services=imported)).found


async def test_failures_from_other_senders_never_block_the_right_id_and_name(imported: Any) -> None:
    """Issue 20 item 10: strangers guessing names on someone's ID used to lock that ID for an hour."""
    for i in range(FAILED_LIMIT + 3):
        await lookup(HU.id_number, f"猜名{'一二三四五六七八'[i]}", channel="mp", actor=f"villager:s{i}",
                     services=imported)
    r = await lookup(HU.id_number, HU.name, channel="mp", actor="villager:owner", services=imported)
    assert r.found and r.records
    # staff are told that this ID is being probed (once per window), by a keyed hash, never the number
    [alarm] = await AuditEntry.filter(action="subsidy.id_probed")
    assert alarm.detail["id_hash"] == r.id_hash and alarm.detail["failures"] == PROBE_ALERT
    assert HU.id_number not in repr(alarm.detail) + alarm.target


async def test_who_looked_me_up_lists_times_of_this_id_only(imported: Any) -> None:
    await lookup(HU.id_number, "胡小山", channel="mp", actor="villager:a", services=imported)
    await lookup(STRANGER.id_number, STRANGER.name, channel="mp", actor="villager:b", services=imported)
    mine = await lookup(HU.id_number, HU.name, channel="miniapp", actor="miniapp:c", services=imported)
    times = await who_looked_me_up(mine.id_hash)
    assert len(times) == 2 and times[0] >= times[1]


async def test_staff_lookups_are_limited_to_their_area(imported: Any) -> None:
    other_township = await lookup(HU.id_number, HU.name, channel="panel", actor="staff:2", services=imported,
                                  scope={"610798102"})
    assert other_township.outcome is Outcome.NONE
    own = await lookup(HU.id_number, HU.name, channel="panel", actor="staff:3", services=imported, scope={"610798101"})
    assert own.found and len(own.records) == 3
    village_only = await lookup(LI.id_number, LI.name, channel="panel", actor="staff:4", services=imported,
                                scope={"610798101202"})
    assert village_only.found


async def test_audit_and_lookup_rows_never_hold_the_id_or_name(imported: Any) -> None:
    await lookup(HU.id_number, HU.name, channel="mp", actor="villager:a", services=imported)
    await lookup(HU.id_number, "胡小山", channel="mp", actor="villager:a", services=imported)
    dump = json.dumps([[e.actor, e.action, e.target, e.detail] for e in await AuditEntry.all()], ensure_ascii=False)
    dump += json.dumps(list(await SubsidyLookup.all().values()), default=str, ensure_ascii=False)
    assert HU.id_number not in dump and HU.name not in dump and "胡小山" not in dump
