from __future__ import annotations

from pathlib import Path

import pytest

from nlp import RegistryIndex

ROOT = Path(__file__).resolve().parents[2]

DATA = ROOT / "nlp" / "data"


@pytest.fixture(scope="session")
def demo() -> RegistryIndex:
    return RegistryIndex.from_file(DATA / "registry_demo.json")


@pytest.fixture(scope="session")
def second() -> RegistryIndex:
    return RegistryIndex.from_file(DATA / "registry_second.json")
