"""Each rule of issue 13 has exactly one definition: read off the source the way a reviewer's grep would.

The drift this guards was real: open statuses written four times, the sender's subject hash three times, China's
time zone five times, environment variables read outside Settings, and "today" taken from the server's zone
(UTC in a container, a day behind China until 08:00 there).
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from storage.china_time import today
from tests.conftest import REPO

PACKAGES = ("bot", "handlers", "admin", "storage", "nlp")


def _sources() -> dict[str, str]:
    return {str(p.relative_to(REPO)): p.read_text(encoding="utf-8")
            for pkg in PACKAGES for p in sorted((REPO / pkg).rglob("*.py"))}


def _code_lines(text: str) -> list[str]:
    """Lines without comments and docstring prose (a line that only mentions a name does not define it)."""
    text = re.sub(r'"""[\s\S]*?"""', "", text)
    return [line.split("#", 1)[0] for line in text.splitlines()]


def _where(pattern: str) -> set[str]:
    found = set()
    for path, text in _sources().items():
        if any(re.search(pattern, line) for line in _code_lines(text)):
            found.add(path)
    return found


@pytest.mark.parametrize(("rule", "pattern", "home"), [
    ("China's time zone", r"ZoneInfo\(|timezone\(timedelta\(hours=8", {"storage/china_time.py"}),
    ("the current time, in UTC", r"^def (utc)?now\(", {"storage/china_time.py"}),
    ("the open statuses", r"^OPEN_STATUSES\b[^=]*=", {"storage/models/cases.py"}),
    ("the statuses' Chinese names", r"^STATUS_NAMES\b[^=]*=", {"storage/models/cases.py"}),
    ("the case events' Chinese names", r"^EVENT_NAMES\b[^=]*=", {"storage/models/cases.py"}),
    ("the roles' Chinese names", r"^ROLE_NAMES\b[^=]*=", {"storage/models/accounts.py"}),
    ("the sender's subject hash", r"purpose=\"subject\"", {"storage/crypto.py"}),
    ("the SQL dialect test", r"capabilities\.dialect", {"storage/sql.py"}),
    # bot/config.Settings reads the environment through pydantic-settings: no module reads it by hand
    ("reading the environment", r"os\.environ|os\.getenv|getenv\(", set()),
])
def test_each_rule_is_defined_in_one_module(rule: str, pattern: str, home: set[str]) -> None:
    assert _where(pattern) == home, f"{rule}: defined in {sorted(_where(pattern))}, not only {sorted(home)}"


def test_no_module_takes_today_from_the_servers_zone() -> None:
    # date.today(), a naive datetime.now() and astimezone() with no zone read the host's: a container's UTC is a
    # day behind China until 08:00 there
    assert _where(r"\bdate\.today\(\)|datetime\.now\(\)|datetime\.today\(\)|\.astimezone\(\)") == set()


def test_today_is_chinas_date_while_utc_is_still_on_the_day_before() -> None:
    half_past_midnight_in_china = datetime(2026, 12, 2, 16, 30, tzinfo=timezone.utc).timestamp()
    assert today(lambda: half_past_midnight_in_china).isoformat() == "2026-12-03"
    assert today(lambda: half_past_midnight_in_china - 3600).isoformat() == "2026-12-02"  # 23:30 in China


def test_every_module_read_here_exists() -> None:
    # the scan above must see the tree, or every assertion would pass on nothing
    sources = _sources()
    assert len(sources) > 100 and all((REPO / p).exists() for p in ("storage/china_time.py", "bot/config.py"))
    assert Path(REPO / "storage/china_time.py").read_text(encoding="utf-8").count("ZoneInfo(") == 1
