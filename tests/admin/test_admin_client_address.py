"""Issue 20 item 13 (trusted proxies): panel sign-in throttling follows the client behind the reverse proxy."""
from __future__ import annotations

from typing import Any, AsyncIterator

import pytest

from tests.admin.conftest import PASSWORDS, Panel


@pytest.fixture
async def behind_proxy(services: Any) -> AsyncIterator[None]:
    saved = services.settings
    services.settings = saved.with_(trusted_proxies="127.0.0.1")
    yield
    services.settings = saved


async def _attempt(panel: Any, client: str, password: str) -> tuple[int, str]:
    headers = {"X-Forwarded-For": client}
    async with panel.http.get(panel.base + "/admin/login", headers=headers) as r:
        panel._remember(await r.text())
    async with panel.http.post(panel.base + "/admin/login", headers=headers,
                               data={"username": "nanba_staff", "password": password, "csrf": panel.csrf}) as r:
        return r.status, await r.text()


async def test_guessing_behind_the_proxy_locks_the_guesser_not_the_county(accounts: Any, panel_factory: Any,
                                                                          behind_proxy: None) -> None:
    attacker: Panel = await panel_factory()
    for _ in range(5):
        await _attempt(attacker, "203.0.113.7", "guess-123456")
    status, body = await _attempt(attacker, "203.0.113.7", PASSWORDS["nanba_staff"])
    assert status == 429 and "锁定" in body
    # claiming the staff member's address in its own header does not help: the proxy's hop is the client
    status, _ = await _attempt(attacker, "198.51.100.2, 203.0.113.7", PASSWORDS["nanba_staff"])
    assert status == 429
    staff: Panel = await panel_factory()
    status, body = await _attempt(staff, "198.51.100.2", PASSWORDS["nanba_staff"])
    assert status == 200 and "退出" in body  # every client shared the proxy's address before: locked too


async def test_forwarded_for_from_an_untrusted_peer_is_ignored(accounts: Any, panel_factory: Any) -> None:
    attacker: Panel = await panel_factory()
    for i in range(5):
        await _attempt(attacker, f"198.51.100.{i}", "guess-123456")
    status, _ = await _attempt(attacker, "198.51.100.99", PASSWORDS["nanba_staff"])
    assert status == 429
