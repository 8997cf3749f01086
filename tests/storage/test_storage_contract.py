"""One storage contract, run against each backend: SQLite always, PostgreSQL when DATABASE_URL names one."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage.db import create_database, drop_database, is_postgres

CONTRACT = Path(__file__).with_name("contract.py")


def _run(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(CONTRACT), url], capture_output=True, text=True, timeout=120)


def test_storage_contract_sqlite(tmp_path: Path) -> None:
    r = _run(f"sqlite://{tmp_path / 'contract.sqlite3'}")
    assert r.returncode == 0, r.stderr[-3000:]
    assert "storage contract holds" in r.stdout


@pytest.mark.skipif(not is_postgres(os.environ.get("DATABASE_URL", "")), reason="DATABASE_URL is not PostgreSQL")
def test_storage_contract_postgres() -> None:
    url = asyncio.run(create_database(os.environ["DATABASE_URL"], "qf_contract"))
    try:
        r = _run(url)
    finally:
        asyncio.run(drop_database(url))
    assert r.returncode == 0, r.stderr[-3000:]
    assert "storage contract holds" in r.stdout
