"""Key rotation: records, lookup history and subscriptions move to the new keys in place; old keys can go."""
from __future__ import annotations

import base64
import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.config import _dev_key, _keyring
from handlers.subsidies.actions import subscribe
from handlers.subsidies.lookup import lookup, who_looked_me_up
from storage.crypto import PersonalDataCipher
from storage.models import SubsidyLookup, SubsidyRecord
from storage.models.subsidy_watch import SubsidySubscription
from storage.subsidy_crypto import id_hash
from storage.subsidy_import import import_subsidies
from storage.subsidy_keys import rotate_subsidies
from tests.handlers.subsidies.conftest import BASE_ROWS, HU, write_csv

REPO = Path(__file__).resolve().parents[3]
NEW_HMAC = base64.urlsafe_b64encode(b"h" * 32).decode()
NEW_DATA = base64.urlsafe_b64encode(b"d" * 32).decode()


def ring(old: PersonalDataCipher, *, keep_old: bool) -> PersonalDataCipher:
    h = _keyring("k2:" + NEW_HMAC)
    d = _keyring("k2:" + NEW_DATA)
    if keep_old:
        h.update(old.hmac_keys)
        d.update(old.data_keys)
    return PersonalDataCipher(hmac_keys=h, data_keys=d)


async def test_rotation_reseals_rehashes_and_keeps_history_reachable(imported: Any, tmp_path: Path) -> None:
    old = imported.cipher
    first = await lookup(HU.id_number, HU.name, channel="mp", actor="villager:a", services=imported)
    await subscribe(first.id_hash, old.seal(HU.id_number), channel="mp", subject="s" * 32,
                    openid="oSubscriber0000000000000001", cipher=imported.cipher)

    during = ring(old, keep_old=True)
    counts = await rotate_subsidies(during)
    assert counts["records"] == counts["records_changed"] == len(BASE_ROWS)
    assert counts["lookups_changed"] == 1 and counts["subscriptions_changed"] == 1
    assert (await rotate_subsidies(during))["records_changed"] == 0  # idempotent: a second run changes nothing

    new_only = ring(old, keep_old=False)
    for rec in await SubsidyRecord.all():
        assert rec.id_enc.startswith("k2.") and rec.name_enc.startswith("k2.")
        assert rec.id_hash == id_hash(new_only, new_only.open(rec.id_enc))
    services = dataclasses.replace(imported, cipher=new_only)  # the old keys removed from the configuration
    again = await lookup(HU.id_number, HU.name, channel="mp", actor="villager:a", services=services)
    assert again.found and len(again.records) == 3 and again.id_hash != first.id_hash
    assert len(await who_looked_me_up(again.id_hash)) == 2  # the lookup made under the old key is still there
    assert await SubsidyLookup.filter(id_hash=first.id_hash).count() == 0
    sub = await SubsidySubscription.get()
    assert sub.id_hash == again.id_hash and new_only.open(sub.recipient_enc) == "oSubscriber0000000000000001"
    # Fingerprints moved too: the same rows in a new file are recognised under the new key.
    s = await import_subsidies(write_csv(tmp_path / "again.csv", BASE_ROWS[:2]), new_only)
    assert not s.committed and s.existing == 2 and await SubsidyRecord.all().count() == len(BASE_ROWS)


async def test_keys_rotate_command_uses_the_configured_ring(imported: Any, settings: Any) -> None:
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url,
           "QINGFENG_VAR": str(settings.var_dir),
           "QINGFENG_HMAC_KEYS": f"k2:{NEW_HMAC},d1:{_dev_key('hmac')}",
           "QINGFENG_DATA_KEYS": f"k2:{NEW_DATA},d1:{_dev_key('aes')}"}
    r = subprocess.run([sys.executable, "-m", "bot.cli", "keys", "rotate"], cwd=REPO, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert f"records_changed {len(BASE_ROWS)}" in r.stdout and "hmac k2, data k2" in r.stdout
    assert all(e.startswith("k2.") for e in await SubsidyRecord.all().values_list("id_enc", flat=True))
