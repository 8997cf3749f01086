"""Fixtures of the findings page's tests: the panel's accounts and client, the comparison's synthetic county."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest_asyncio

from handlers.compare import run_all
from tests.admin.conftest import _cheap_argon2, accounts, panel_factory  # noqa: F401  (fixtures)
from tests.handlers.compare.conftest import Data, data  # noqa: F401  (fixture)
from tests.handlers.compare.test_compare_rules import plant


@dataclass
class Planted:
    data: Data
    want: dict[str, set[tuple[str, ...]]]  # per rule: (id_hash, village, program, period) the rule must find


@pytest_asyncio.fixture
async def planted(data: Data, accounts: Any) -> Planted:  # noqa: F811
    """The comparison tests' synthetic county, compared once: every finding filed as a clue."""
    want = await plant(data)
    await run_all(data.services)
    return Planted(data, want)
