"""Fixtures of the publication tests: the demo county's 小微权力清单 loaded the way an admin imports it."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest_asyncio

REPO = Path(__file__).resolve().parents[3]
DEMO_POWERS = REPO / "storage" / "data" / "powers_demo.yaml"


@pytest_asyncio.fixture
async def powers_loaded(registry_loaded: Any) -> Any:
    from handlers.publication.power_import import import_powers, read_rows

    await import_powers(read_rows(DEMO_POWERS), registry_loaded, actor="test")
    return registry_loaded
