"""What a request left in Redis, for the tests that say a rejection writes nothing."""
from __future__ import annotations

from typing import Any

from storage import keys


async def written_keys(redis: Any) -> list[bytes]:
    """Every key, but the inbound backlog's stream while it is empty: the server's consumer (re)makes it for its
    group at any moment, after a test's flush too, and no rejected message is in it then."""
    backlog = keys.inbound_backlog().encode()
    return [k async for k in redis.scan_iter("*") if k != backlog or await redis.xlen(k) > 0]
