"""Key rotation (SPEC: keys "can be rotated"): every area re-seals and re-hashes its own rows.

How to rotate: put a new key first in QINGFENG_HMAC_KEYS / QINGFENG_DATA_KEYS,
keep the old ones after it, run `qingfeng keys rotate`, then drop the old keys.
Lookups use every key of the ring meanwhile, so nothing is unreachable
halfway. Each rotator is idempotent and commits in chunks: a stopped run is
simply run again.

An area adds its rotator as one row of ROTATORS: its name, its module and its
`async def fn(cipher, progress) -> dict[str, int]` (importing a module registers nothing).
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Awaitable, Callable

from storage.crypto import PersonalDataCipher
from storage.sql import placeholders  # noqa: F401  (rotators import it from here)

Progress = Callable[[str, int], None]
Rotator = Callable[[PersonalDataCipher, Progress | None], Awaitable[dict[str, int]]]

# (name, module, function), run in this order
ROTATORS: list[tuple[str, str, str]] = [
    ("subsidies", "storage.subsidy_keys", "rotate_subsidies"),
    ("compare", "storage.compare_keys", "rotate_compare"),  # after subsidies: it maps findings through the re-hashed records
    ("operator", "storage.operator_keys", "rotate_operator"),
    ("core", "storage.core_keys", "rotate_core"),  # identities, bindings, TOTP secrets, outbox, subscriptions, attachment files
]


def rotator_functions() -> dict[str, Rotator]:
    return {name: getattr(importlib.import_module(module), fn) for name, module, fn in ROTATORS}


async def rotate_all(cipher: PersonalDataCipher, progress: Progress | None = None, *,
                     var_dir: Path) -> dict[str, dict[str, int]]:
    """Every area's rows, then the attachment files under `var_dir` (the caller's settings say where)."""
    from storage.core_keys import rotate_attachments

    results = {name: await fn(cipher, progress) for name, fn in rotator_functions().items()}
    results["core"]["attachment files"] = await rotate_attachments(cipher, var_dir, progress)
    return results
