"""`qingfeng keys rotate`: re-seal and re-hash personal data under the current keys, in place;
`qingfeng keys check`: name every row still on a key id that is not configured."""
from __future__ import annotations

import argparse
import sys

from bot.cli._common import with_db
from bot.config import Settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("keys", help="personal-data keys", description="Key management.")
    k = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    r = k.add_parser(
        "rotate", help="re-encrypt and re-hash stored personal data under the current keys",
        description="Put the new key first in QINGFENG_HMAC_KEYS and QINGFENG_DATA_KEYS (id:base64, comma-"
                    "separated, the first is current) and keep the old keys after it; run this; then remove the "
                    "old keys. Idempotent and resumable: run it again after an interruption.")
    r.set_defaults(func=run_rotate)
    c = k.add_parser(
        "check", help="report rows still sealed or hashed with a key that is not configured",
        description="Count, for every sealed column, every attachment file and every keyed hash that can be "
                    "recomputed, the rows on a key id missing from QINGFENG_DATA_KEYS / QINGFENG_HMAC_KEYS. Run "
                    "it after removing an old key: exit 1 names what would no longer open (put the key back and "
                    "run `keys rotate`). Receipts need no key; those issued before argon2id are counted apart.")
    c.set_defaults(func=run_check)


def run_rotate(args: argparse.Namespace) -> int:
    from bot.services import make_cipher
    from storage import audit
    from storage.key_rotation import rotate_all

    async def go(settings: Settings) -> int:
        if settings.uses_dev_keys:
            print("warning: the development keys are in use (QINGFENG_HMAC_KEYS / QINGFENG_DATA_KEYS not set)",
                  file=sys.stderr)
        cipher = make_cipher(settings)

        def progress(what: str, n: int) -> None:
            print(f"\r{what}: {n}", end="", file=sys.stderr, flush=True)

        results = await rotate_all(cipher, progress, var_dir=settings.var_dir)
        print(file=sys.stderr)
        await _staff_bindings_changed(settings)
        await audit.append("cli", "keys.rotate", "", {"hmac_kid": cipher.current_hmac_kid,
                                                     "data_kid": cipher.current_data_kid,
                                                     **{f"{a}.{k}": v for a, c in results.items() for k, v in c.items()}})
        for area, counts in results.items():
            print(f"{area}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        print(f"current keys: hmac {cipher.current_hmac_kid}, data {cipher.current_data_kid}")
        return 0

    return with_db(go)


async def _staff_bindings_changed(settings: Settings) -> None:
    """The bindings were re-hashed: running servers reload their list of bound staff on their next message
    (else within bot.dispatch.sender.DIRECTORY_MAX_AGE_S)."""
    from redis.exceptions import RedisError

    from bot.cli._common import _anchor_redis
    from bot.dispatch.sender import DIRECTORY_MAX_AGE_S
    from storage import keys

    redis = _anchor_redis(settings)
    if redis is None:
        return
    try:
        await redis.incr(keys.staff_bindings_version())
    except RedisError as exc:
        print(f"note: servers could not be told of the re-hashed staff bindings ({type(exc).__name__}); "
              f"they reload them within {DIRECTORY_MAX_AGE_S:.0f} s", file=sys.stderr)
    finally:
        await redis.aclose()


def run_check(args: argparse.Namespace) -> int:
    from bot.services import make_cipher
    from storage.core_keys import check_keys, legacy_receipts

    async def go(settings: Settings) -> int:
        cipher = make_cipher(settings)
        problems = await check_keys(cipher, settings.var_dir)
        for line in problems:
            print(line)
        legacy = await legacy_receipts()
        if legacy:
            print(f"note: {legacy} receipts from before argon2id still need an HMAC key of their time; each moves "
                  "to argon2id (no key) at its next look-up")
        if problems:
            return 1
        print(f"every sealed and hashed row opens with the configured keys (hmac {', '.join(cipher.hmac_keys)}; "
              f"data {', '.join(cipher.data_keys)})")
        return 0

    return with_db(go)
