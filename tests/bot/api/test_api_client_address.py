"""Issue 20 item 13 (trusted proxies): per-address API limits follow the client, not the proxy or the header.

By default nobody may set the address by X-Forwarded-For, so a new header per request dodges no limit;
behind a proxy named in QINGFENG_TRUSTED_PROXIES each villager has their own limit.
"""
from __future__ import annotations

from typing import Any, AsyncIterator

import pytest


@pytest.fixture
async def behind_proxy(services: Any, settings: Any) -> AsyncIterator[None]:
    """The running app with 127.0.0.1 (every test connection's peer) as its reverse proxy."""
    saved = services.settings
    services.settings = saved.with_(trusted_proxies="10.9.0.0/16, 127.0.0.1")
    yield
    services.settings = saved


async def _statuses(user: Any, n: int, forwarded: list[str]) -> list[int]:
    return [(await user.get("/api/v1/categories", headers={"X-Forwarded-For": forwarded[i % len(forwarded)]})).status
            for i in range(n)]


async def test_forged_forwarded_for_does_not_dodge_the_address_limit(make_user: Any, api_config: Any) -> None:
    api_config.ip_per_minute = 5
    u = make_user()
    forged = [f"198.51.100.{i}" for i in range(1, 7)]  # a new address claimed on every request
    assert await _statuses(u, 6, forged) == [200] * 5 + [429]


async def test_villagers_behind_a_trusted_proxy_have_their_own_address_limit(make_user: Any, api_config: Any,
                                                                             behind_proxy: None) -> None:
    api_config.ip_per_minute = 5
    a, b = make_user(), make_user()
    assert await _statuses(a, 6, ["203.0.113.7"]) == [200] * 5 + [429]
    assert await _statuses(b, 1, ["203.0.113.8"]) == [200]  # on main every client was the proxy: 429
    # a client behind the proxy writing its own header first is still itself (the proxy appends the peer)
    assert await _statuses(a, 1, ["203.0.113.8, 203.0.113.7"]) == [429]
    # through two trusted proxies (10.9.x then 127.0.0.1) the first untrusted hop is the client
    assert await _statuses(b, 1, ["203.0.113.8, 10.9.0.4"]) == [200]
