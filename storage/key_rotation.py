"""Key rotation (SPEC: keys "can be rotated"): every area re-seals and re-hashes its own rows.

How to rotate: put a new key first in QINGFENG_HMAC_KEYS / QINGFENG_DATA_KEYS,
keep the old ones after it, run `qingfeng keys rotate`, then drop the old keys.
Lookups use every key of the ring meanwhile, so nothing is unreachable
halfway. Each rotator is idempotent and commits in chunks: a stopped run is
simply run again.

An area adds its rotator by naming its module in ROTATOR_MODULES; the module
registers `async def fn(cipher, progress) -> dict[str, int]` with `@rotator("name")`.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Awaitable, Callable

from storage.crypto import PersonalDataCipher
from storage.sql import placeholders  # noqa: F401  (rotators import it from here)

Progress = Callable[[str, int], None]
Rotator = Callable[[PersonalDataCipher, Progress | None], Awaitable[dict[str, int]]]

ROTATOR_MODULES = [
    "storage.subsidy_keys",
    "storage.compare_keys",  # after subsidies: it maps findings through the re-hashed records
    "storage.operator_keys",
    "storage.core_keys",  # identities, bindings, TOTP secrets, outbox, subscriptions, attachment files
]
ROTATORS: dict[str, Rotator] = {}


def rotator(name: str) -> Callable[[Rotator], Rotator]:
    def deco(fn: Rotator) -> Rotator:
        ROTATORS[name] = fn
        return fn

    return deco


async def rotate_all(cipher: PersonalDataCipher, progress: Progress | None = None, *,
                     var_dir: Path) -> dict[str, dict[str, int]]:
    """Every area's rows, then the attachment files under `var_dir` (the caller's settings say where)."""
    from storage.core_keys import rotate_attachments

    for module in ROTATOR_MODULES:
        importlib.import_module(module)
    results = {name: await fn(cipher, progress) for name, fn in ROTATORS.items()}
    results["core"]["attachment files"] = await rotate_attachments(cipher, var_dir, progress)
    return results
