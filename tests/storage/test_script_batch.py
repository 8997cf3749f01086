"""The dispatcher's pipelined script channel: every caller gets its own answer, whatever happens to the others."""
from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator

import pytest
import pytest_asyncio
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from storage.script_batch import CLIENT_NAME, ScriptBatch

# Returns what it was given, after touching a key, so a reply can be matched to its call.
ECHO = "redis.call('incr', KEYS[1]) return ARGV[1]"
FAIL_ON_BAD = "if ARGV[1] == 'bad' then return redis.error_reply('refused ' .. ARGV[1]) end return ARGV[1]"


@pytest_asyncio.fixture
async def scripts(services: Any) -> AsyncIterator[ScriptBatch]:
    batch = ScriptBatch(services.redis)
    yield batch
    await batch.close()


async def test_concurrent_calls_each_get_their_own_reply(services: Any, scripts: ScriptBatch) -> None:
    echo = services.redis.register_script(ECHO)
    results = await asyncio.gather(*(scripts.run(echo, ["qf:test:echo"], [f"v{i}"]) for i in range(500)))
    assert results == [f"v{i}".encode() for i in range(500)]
    assert await services.redis.get("qf:test:echo") == b"500"


async def test_calls_share_one_connection(services: Any, scripts: ScriptBatch) -> None:
    echo = services.redis.register_script(ECHO)
    await scripts.run(echo, ["qf:test:warm"], ["x"])
    before = len(await services.redis.client_list())
    await asyncio.gather(*(scripts.run(echo, ["qf:test:echo"], [str(i)]) for i in range(200)))
    assert len(await services.redis.client_list()) == before


async def test_script_error_reaches_only_its_caller(services: Any, scripts: ScriptBatch) -> None:
    check = services.redis.register_script(FAIL_ON_BAD)
    outcomes = await asyncio.gather(*(scripts.run(check, [], [arg]) for arg in ["a", "bad", "c"]),
                                    return_exceptions=True)
    assert outcomes[0] == b"a" and outcomes[2] == b"c"
    assert isinstance(outcomes[1], ResponseError) and "refused bad" in str(outcomes[1])
    assert await scripts.run(check, [], ["after"]) == b"after"


async def test_script_reloaded_after_redis_forgets_it(services: Any, scripts: ScriptBatch) -> None:
    echo = services.redis.register_script(ECHO)
    assert await scripts.run(echo, ["qf:test:echo"], ["before"]) == b"before"
    await services.redis.script_flush()
    results = await asyncio.gather(*(scripts.run(echo, ["qf:test:echo"], [f"after{i}"]) for i in range(5)))
    assert results == [f"after{i}".encode() for i in range(5)]


async def test_cancelled_caller_does_not_shift_replies(services: Any, scripts: ScriptBatch) -> None:
    echo = services.redis.register_script(ECHO)
    calls = [asyncio.ensure_future(scripts.run(echo, ["qf:test:echo"], [f"v{i}"])) for i in range(20)]
    await asyncio.sleep(0)
    calls[7].cancel()
    done = await asyncio.gather(*calls, return_exceptions=True)
    assert isinstance(done[7], asyncio.CancelledError)
    assert [d for i, d in enumerate(done) if i != 7] == [f"v{i}".encode() for i in range(20) if i != 7]
    assert await scripts.run(echo, ["qf:test:echo"], ["next"]) == b"next"


async def test_lost_connection_fails_calls_in_flight_then_reconnects(services: Any, scripts: ScriptBatch) -> None:
    slow = services.redis.register_script("redis.call('incr', KEYS[1]) return ARGV[1]")
    await scripts.run(slow, ["qf:test:echo"], ["warm"])
    ours = [c for c in await services.redis.client_list() if c["name"] == CLIENT_NAME]
    assert ours
    for client in ours:  # the app server's dispatcher may have one too; it reconnects like this one
        await services.redis.client_kill_filter(_id=client["id"])
    with pytest.raises(RedisConnectionError):
        await asyncio.gather(*(scripts.run(slow, ["qf:test:echo"], [str(i)]) for i in range(3)))
    assert await scripts.run(slow, ["qf:test:echo"], ["again"]) == b"again"
