"""Rotating the keys of subsidy data in place: records, lookups, subscriptions.

For each record: open the sealed ID and name (any key of the ring), then
write the ID hash, name hash and row fingerprint under the current HMAC key
and re-seal under the current data key. Rows already current are left alone,
so the rotation is idempotent and resumable (chunks of CHUNK rows, each in its
own transaction). SubsidyLookup keeps only the ID hash, so its hashes are
mapped old -> new from the records of the same chunk; lookups of IDs that have
no record stay findable as long as the old HMAC key stays in the ring.
"""
from __future__ import annotations

import logging
from typing import Any

from tortoise.transactions import in_transaction

from storage.crypto import PersonalDataCipher
from storage.key_rotation import Progress, placeholders
from storage.core_keys import SUBSCRIPTIONS, rotate_table
from storage.models import SubsidyRecord
from storage.subsidy_crypto import fingerprint, id_hash, name_hash

log = logging.getLogger("qingfeng.subsidies.keys")

CHUNK = 2000


async def rotate_subsidies(cipher: PersonalDataCipher, progress: Progress | None = None) -> dict[str, int]:
    counts = {"records": 0, "records_changed": 0, "lookups_changed": 0, "subscriptions_changed": 0}
    last = 0
    while True:
        rows = await (SubsidyRecord.filter(id__gt=last).order_by("id").limit(CHUNK)
                      .values_list("id", "id_hash", "id_enc", "name_hash", "name_enc", "program", "amount",
                                   "paid_on", "village_id", "fingerprint"))
        if not rows:
            break
        last = rows[-1][0]
        updates: list[list[Any]] = []
        remap: dict[str, str] = {}
        for rid, idh, id_enc, nh, name_enc, program, amount, paid_on, village, fp in rows:
            number, name = cipher.open(id_enc), cipher.open(name_enc)
            new = [id_hash(cipher, number), cipher.seal(number) if cipher.needs_rotation(id_enc) else id_enc,
                   name_hash(cipher, name), cipher.seal(name) if cipher.needs_rotation(name_enc) else name_enc,
                   fingerprint(cipher, number, name, program, amount, paid_on, village)]
            if new != [idh, id_enc, nh, name_enc, fp]:
                updates.append([*new, rid])
            if new[0] != idh:
                remap[idh] = new[0]
        async with in_transaction() as conn:
            if updates:
                p = placeholders(conn, 6)
                await conn.execute_many(
                    f"UPDATE subsidy_record SET id_hash={p[0]}, id_enc={p[1]}, name_hash={p[2]}, name_enc={p[3]}, "
                    f"fingerprint={p[4]} WHERE id={p[5]}", updates)
            if remap:
                p = placeholders(conn, 2)
                for old, new_hash in remap.items():
                    n = await conn.execute_query(
                        f"UPDATE subsidy_lookup SET id_hash={p[0]} WHERE id_hash={p[1]}", [new_hash, old])
                    counts["lookups_changed"] += int(n[0] or 0)
        counts["records"] += len(rows)
        counts["records_changed"] += len(updates)
        if progress:
            progress("subsidy records", counts["records"])
    counts["subscriptions_changed"] = await rotate_table(SUBSCRIPTIONS, cipher, progress)
    log.info("subsidy keys rotated: %s", counts)
    return counts
