"""Receipts at rest: argon2id with a per-installation salt, no key (SPEC "Privacy and security").

A 16-digit receipt is the only thing an anonymous reporter holds, so its hash must outlive every
key rotation: it uses no key at all. What keeps 10^16 receipts from being tried offline is
argon2id's cost; what keeps them from being tried online is the lookup's rate limit. The salt is
drawn once per installation and kept in the database (`installation_value`), as GlobaLeaks does.

Stored form: `a2:` + hex. Receipts issued before this scheme are `h:` + the first 62 hex digits of
their old HMAC (migration core 0004); `legacy_hashes` finds them until they are looked up once.
"""
from __future__ import annotations

import asyncio
import secrets

from argon2.low_level import Type, hash_secret_raw

from storage.crypto import PersonalDataCipher
from storage.models import InstallationValue

SALT_NAME = "receipt_salt"
PREFIX, LEGACY_PREFIX = "a2:", "h:"
LEGACY_PURPOSE = "receipt"  # the HMAC purpose receipts were hashed under before
# OWASP's argon2id minimum (19 MiB, 2 passes): ~20-50 ms a receipt, paid at filing and at look-up
COST = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}


async def installation_salt() -> bytes:
    row = await InstallationValue.get_or_none(name=SALT_NAME)
    if row is None:
        # ON CONFLICT DO NOTHING, not a caught IntegrityError: this runs inside a filing's
        # transaction, which a failed INSERT would abort on PostgreSQL (concurrent first filings)
        await InstallationValue.bulk_create([InstallationValue(name=SALT_NAME, value=secrets.token_hex(16))],
                                            ignore_conflicts=True)
        row = await InstallationValue.get(name=SALT_NAME)
    return bytes.fromhex(row.value)


async def hash_receipt(digits: str) -> str:
    salt = await installation_salt()
    cost = COST  # read at call time: the tests lower it
    raw = await asyncio.to_thread(hash_secret_raw, digits.encode(), salt, hash_len=28, type=Type.ID, **cost)
    return PREFIX + raw.hex()


def legacy_hashes(digits: str, cipher: PersonalDataCipher) -> list[str]:
    """What a receipt issued before argon2id is stored as, under every configured HMAC key."""
    return [LEGACY_PREFIX + h[:62] for h in cipher.all_lookup_hashes(digits, purpose=LEGACY_PURPOSE)]
