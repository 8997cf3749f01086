"""After an HMAC key rotation the rules still join, and no finding is raised a second time."""
from __future__ import annotations

import base64
import os
from typing import Any

from handlers.compare import RULES, run_all
from storage.crypto import PersonalDataCipher
from storage.key_rotation import rotate_all
from storage.models.compare import Finding
from tests.handlers.compare.conftest import Data
from tests.handlers.compare.test_compare_rules import found, plant


async def test_key_rotation_keeps_comparison_joined_and_raises_nothing_twice(data: Data) -> None:
    services: Any = data.services
    await plant(data)
    first = await run_all(services)
    assert first.clues > 0
    before = {r.name: await found(r.name) for r in RULES}
    old = services.cipher
    new_key = base64.urlsafe_b64encode(os.urandom(32))
    rotated = PersonalDataCipher(hmac_keys={"k2": base64.urlsafe_b64decode(new_key), **old.hmac_keys},
                                 data_keys={"k2": os.urandom(32), **old.data_keys})
    services.cipher = rotated
    try:
        counts = await rotate_all(rotated, var_dir=services.settings.var_dir)
        assert counts["compare"]["findings"] > 0  # their hashes moved to the new key
        again = await run_all(services)
        assert again.clues == 0 and sum(again.new.values()) == 0
        assert await Finding.all().count() == sum(len(v) for v in before.values())
        for r in RULES:  # the same people found, now under the new key's hashes
            assert len(await found(r.name)) == len(before[r.name])
            assert not (await found(r.name)) & before[r.name] or not before[r.name]
    finally:
        services.cipher = old
