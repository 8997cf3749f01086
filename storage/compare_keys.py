"""Rotating the keys of the comparison tables, so rules still join after an HMAC rotation.

Runs after the subsidy rotator (key_rotation.ROTATORS order). Reference rows (deaths,
officials, relatives, registrations) are opened and re-hashed under the current
HMAC key, and re-sealed under the current data key. Findings keep no sealed ID,
so their id_hash is mapped old -> new through every ID we can open (reference
rows and subsidy records, hashed under every key of the ring), and their
fingerprint is recomputed from it: a finding raised before the rotation is the
same finding after it, never a second clue. Idempotent: current rows are left alone.
"""
from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from storage.crypto import PersonalDataCipher
from storage.key_rotation import Progress
from storage.models import SubsidyRecord
from storage.models.compare import (DeathRecord, Finding, Official, Registration, Relative,
                                    finding_fingerprint)
from storage.subsidy_crypto import id_hash, id_hashes

CHUNK = 2000


def _reseal(cipher: PersonalDataCipher, token: str | None) -> str | None:
    return cipher.seal(cipher.open(token)) if token and cipher.needs_rotation(token) else token


async def _rehash_people(model: Any, cipher: PersonalDataCipher, remap: dict[str, str]) -> int:
    changed = 0
    last = 0
    while True:
        rows = await model.filter(id__gt=last).order_by("id").limit(CHUNK)
        if not rows:
            return changed
        last = rows[-1].id
        async with in_transaction() as conn:
            for row in rows:
                number = cipher.open(row.id_enc)
                new = {"id_hash": id_hash(cipher, number), "id_enc": _reseal(cipher, row.id_enc),
                       "name_enc": _reseal(cipher, row.name_enc)}
                for old in id_hashes(cipher, number):
                    remap[old] = new["id_hash"]
                if isinstance(row, Registration):
                    ref = cipher.open(row.ref_enc)
                    new["ref_hash"] = cipher.lookup_hash(f"{row.kind}:{ref}", purpose="registration")
                    new["ref_enc"] = _reseal(cipher, row.ref_enc)
                diff = {k: v for k, v in new.items() if getattr(row, k) != v}
                if diff:
                    await model.filter(id=row.id).using_db(conn).update(**diff)
                    changed += 1
    return changed


async def _subsidy_remap(cipher: PersonalDataCipher, wanted: set[str], remap: dict[str, str]) -> None:
    """Old hashes of the IDs findings name, from the subsidy records (already re-hashed by their rotator)."""
    wanted = wanted - remap.keys()
    last = 0
    while wanted:
        rows = await SubsidyRecord.filter(id__gt=last).order_by("id").limit(CHUNK).values_list("id", "id_enc")
        if not rows:
            return
        last = rows[-1][0]
        for _, id_enc in rows:
            number = cipher.open(id_enc)
            hashes = id_hashes(cipher, number)
            hit = wanted.intersection(hashes)
            if hit:
                current = id_hash(cipher, number)
                for old in hashes:
                    remap[old] = current
                wanted -= hit


async def rotate_compare(cipher: PersonalDataCipher, progress: Progress | None = None) -> dict[str, int]:
    remap: dict[str, str] = {}
    counts = {name: await _rehash_people(model, cipher, remap)
              for name, model in (("deaths", DeathRecord), ("officials", Official), ("relatives", Relative),
                                  ("registrations", Registration))}
    async with in_transaction() as conn:
        relatives = 0
        for old, new in remap.items():
            if old != new:
                relatives += await Relative.filter(official_hash=old).using_db(conn).update(official_hash=new)
    counts["relative_links"] = relatives
    findings = await Finding.all().only("id", "rule", "id_hash", "village_id", "program", "period")
    await _subsidy_remap(cipher, {f.id_hash for f in findings}, remap)
    changed = 0
    async with in_transaction() as conn:
        for f in findings:
            new = remap.get(f.id_hash, f.id_hash)
            if new != f.id_hash:
                await Finding.filter(id=f.id).using_db(conn).update(
                    id_hash=new, fingerprint=finding_fingerprint(f.rule, new, f.village_id, f.program, f.period))
                changed += 1
    counts["findings"] = changed
    if progress:
        progress("compare", sum(counts.values()))
    return counts
