"""The storage contract, run once per backend pair in its own process (`python contract.py DB_URL REDIS_URL`).

A fresh database: migrations apply and re-apply, the registry imports and
re-imports without change and exports to the same document, and every column
kind we rely on round-trips (JSON, Chinese text, negative BIGINT, DECIMAL,
aware datetimes, unique constraints), and the audit chain verifies and
catches tampering.

Redis (embedded over a unix socket, or a server over TCP): a conversation's state round-trips sealed
with its TTL and leaves a marker when it expires, the dispatcher's pipelined scripts give every
caller its own answer, a lease is exclusive and expires, and the audit head is anchored there so a
truncation is caught.
"""
from __future__ import annotations

import asyncio
import json
import sys
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tortoise.exceptions import IntegrityError  # noqa: E402

import redis.asyncio as aioredis  # noqa: E402

from storage import audit, db  # noqa: E402
from storage import redis as redis_conn  # noqa: E402
from storage.models import AuditEntry, Case, ImportBatch, SubsidyRecord, Village  # noqa: E402
from storage.registry import import_registry, load_file, load_registry_dict  # noqa: E402

REGISTRY = REPO / "docs" / "contracts" / "registry.example.json"


def check(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(what)


async def contract(url: str, redis_url: str) -> None:
    await db.migrate(url)
    await db.close()
    await db.migrate(url)  # a second run finds nothing to do
    await db.close()
    await db.init(url)
    audit.bind(b"contract-audit-key".ljust(32, b"."))  # as a process binds its configured key at start-up
    try:
        data = load_file(REGISTRY)
        first = await import_registry(data)
        check(first.created["villages"] == 5 and first.created["townships"] == 3, f"first import created {first.created}")
        again = await import_registry(data)
        check(not again.changed, f"re-import changed {again.created} {again.updated}")
        exported = await load_registry_dict()
        check(json.dumps(exported, sort_keys=True, ensure_ascii=False) == json.dumps(
            _canonical(data), sort_keys=True, ensure_ascii=False), "export differs from the imported file")

        c = await Case.create(channel="mp", category="subsidy_fraud", text="胡家庄村低保被克扣😀", route_to="610798101",
                              category_keywords=["低保", "克扣"], simhash=-(2**63) + 5, receipt_hash="a" * 64)
        got = await Case.get(id=c.id)
        check(got.text == "胡家庄村低保被克扣😀" and got.category_keywords == ["低保", "克扣"], "text/JSON round-trip")
        check(got.simhash == -(2**63) + 5, "negative BIGINT round-trip")
        check(got.created_at.tzinfo is not None, "datetimes come back aware")
        try:
            await Case.create(channel="mp", category="other", text="x", receipt_hash="a" * 64)
            raise AssertionError("duplicate receipt hash accepted")
        except IntegrityError:
            pass

        batch = await ImportBatch.create(kind="subsidies", filename="x.csv", sha256="0" * 64)
        village = await Village.get(code="610798101201")
        await SubsidyRecord.create(batch=batch, id_hash="h" * 64, id_enc="e", name_hash="n" * 64, name_enc="e",
                                   program="农村低保", amount=Decimal("1560.05"), paid_on=date(2026, 3, 15),
                                   village=village, fingerprint="f" * 64)
        rec = await SubsidyRecord.get(fingerprint="f" * 64)
        check(rec.amount == Decimal("1560.05") and rec.paid_on == date(2026, 3, 15), "DECIMAL/DATE round-trip")

        for i in range(3):
            await audit.append("cli", "test.action", f"t{i}", {"i": i, "note": "无个人信息"})
        ok = await audit.verify()
        check(ok.ok and ok.checked == 3, f"audit chain should verify: {ok}")
        second = await AuditEntry.filter(target="t1").first()
        assert second is not None
        second.detail = {"i": 99}
        await second.save()
        bad = await audit.verify()
        check(not bad.ok and bad.first_bad_id == second.id, f"tampering must be found at {second.id}: {bad}")
        _ = datetime.now(timezone.utc)
        await AuditEntry.all().delete()
        await redis_contract(redis_url)
    finally:
        await db.close()


async def redis_contract(url: str) -> None:
    from redis.commands.core import AsyncScript

    from bot.dispatch.state import ConversationState, State, StatesGroup
    from storage.crypto import PersonalDataCipher
    from storage.script_batch import ScriptBatch

    redis = redis_conn.connect(url)
    await redis_conn.wait_ready(redis)
    try:
        check(not await redis.dbsize(), "the contract runs on an empty Redis")

        class Report(StatesGroup):
            describe = State()

        cipher = PersonalDataCipher(hmac_keys={"k1": b"h" * 32}, data_keys={"k1": b"d" * 32})
        state = ConversationState(redis, "mp", "private", "subj", ttl=2, cipher=cipher)
        await state.set(Report.describe, text="王会计优亲厚友,电话13800001111")
        key, marker = state.keys
        raw = await redis.get(key)
        check(raw is not None and "王会计".encode() not in raw and b"13800001111" not in raw, "the draft is sealed")
        check(0 < await redis.pttl(key) <= 2000, "the state carries its TTL")
        again = ConversationState(redis, "mp", "private", "subj", ttl=2, cipher=cipher)
        await again.load()
        check(again.current == Report.describe.id and again.data["text"].startswith("王会计"), "state round-trip")
        await asyncio.sleep(2.3)
        late = ConversationState(redis, "mp", "private", "subj", ttl=2, cipher=cipher)
        await late.load()
        check(late.current is None and late.expired_flow == "Report", f"an expired flow leaves its marker: {late.expired_flow}")

        batch = ScriptBatch(redis)
        echo = AsyncScript(redis, "redis.call('incr', KEYS[1]) return ARGV[1]")
        got = await asyncio.gather(*(batch.run(echo, ["contract:n"], [str(i)]) for i in range(50)))
        check([int(g) for g in got] == list(range(50)), "each pipelined caller gets its own answer")
        check(int(await redis.get("contract:n") or 0) == 50, "every script ran once")
        await batch.close()

        lease = redis.lock("contract:lease", timeout=1, blocking_timeout=0)
        check(await lease.acquire(), "a free lease is taken")
        check(not await redis.lock("contract:lease", timeout=1, blocking_timeout=0).acquire(), "a lease is exclusive")
        await asyncio.sleep(1.2)
        check(await redis.lock("contract:lease", timeout=1, blocking_timeout=0).acquire(), "a lease expires")

        audit.bind(b"contract-audit-key".ljust(32, b"."), redis)
        entries = [await audit.append("cli", "test.action", f"r{i}", {"i": i}) for i in range(3)]
        check(await audit.anchored_head() == (entries[-1].id, entries[-1].hash), "the head is anchored in Redis")
        check((await audit.verify()).ok, "anchored chain verifies")
        await AuditEntry.filter(id=entries[-1].id).delete()
        cut = await audit.verify()
        check(not cut.ok and cut.first_bad_id == entries[-1].id, f"truncation caught through the anchor: {cut}")
    finally:
        await redis.flushdb()
        await redis.aclose()


def _canonical(data: dict) -> dict:  # the file, as the export spells it (sorted, defaults filled)
    return {
        "county": data["county"],
        "zones": [{"id": z["id"], "name": z["name"], "townships": sorted(z["townships"])}
                  for z in sorted(data["zones"], key=lambda z: z["id"])],
        "townships": [
            {"code": t["code"], "name": t["name"], "aliases": t.get("aliases", []), "commission": t["commission"],
             "villages": [{"code": v["code"], "name": v["name"], "aliases": v.get("aliases", []),
                           "elevated": bool(v.get("elevated", False))}
                          for v in sorted(t.get("villages", []), key=lambda v: v["code"])]}
            for t in sorted(data["townships"], key=lambda t: t["code"])
        ],
    }


if __name__ == "__main__":
    asyncio.run(contract(sys.argv[1], sys.argv[2]))
    print("storage contract holds")
