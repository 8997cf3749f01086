from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# pytest puts tests/ on sys.path for tests/conftest.py, so this directory (tests/nlp)
# would be imported as a namespace package named `nlp` ahead of the real one.
if sys.path[0] != str(ROOT):
    sys.path.insert(0, str(ROOT))
if getattr(sys.modules.get("nlp"), "__file__", "") is None:
    del sys.modules["nlp"]

from nlp import RegistryIndex  # noqa: E402

DATA = ROOT / "nlp" / "data"


@pytest.fixture(scope="session")
def demo() -> RegistryIndex:
    return RegistryIndex.from_file(DATA / "registry_demo.json")


@pytest.fixture(scope="session")
def second() -> RegistryIndex:
    return RegistryIndex.from_file(DATA / "registry_second.json")
