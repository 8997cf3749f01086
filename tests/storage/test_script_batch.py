"""The dispatcher's pipelined script channel: every caller gets its own answer, whatever happens to the others."""
from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator

import pytest
import pytest_asyncio
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from storage.script_batch import CLIENT_NAME, ScriptBatch

# Returns what it was given, after touching a key, so a reply can be matched to its call.
ECHO = "redis.call('incr', KEYS[1]) return ARGV[1]"


class CuttableProxy:
    """A TCP relay to the test Redis whose connections can be made to fail, as a network does."""

    def __init__(self, target: dict[str, Any]) -> None:
        self.target = target
        self.cut_on_next_request = False
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        for w in self._writers:
            w.transport.abort()
        if self._server:
            self._server.close()
            await self._server.wait_closed()

    async def _relay(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        if "path" in self.target:
            server_r, server_w = await asyncio.open_unix_connection(self.target["path"])
        else:
            server_r, server_w = await asyncio.open_connection(self.target["host"], self.target["port"])
        self._writers += [client_w, server_w]

        async def pump(r: asyncio.StreamReader, w: asyncio.StreamWriter, upstream: bool) -> None:
            while data := await r.read(65536):
                if upstream and self.cut_on_next_request:
                    self.cut_on_next_request = False
                    client_w.transport.abort()
                    server_w.transport.abort()
                    return
                w.write(data)
            w.transport.abort()

        await asyncio.gather(pump(client_r, server_w, True), pump(server_r, client_w, False),
                             return_exceptions=True)


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


async def test_arguments_reach_the_script_as_redis_py_would_send_them(services: Any, scripts: ScriptBatch) -> None:
    every = services.redis.register_script("return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]}")
    sent = ["qf:test:键", "", b"\x00\xffpending", 6000, -1, 1.5, "中文 text"]
    assert await scripts.run(every, sent[:2], sent[2:]) == await every(keys=sent[:2], args=sent[2:])
    with pytest.raises(TypeError):
        await scripts.run(every, ["qf:test:x", "qf:test:y"], [True, 1, 2, 3, 4])  # redis-py refuses a bool too


async def _ours(services: Any) -> list[dict[str, Any]]:
    """This test's clients: other xdist workers share the server (their own script channels included), not the db."""
    db = str(services.redis.connection_pool.connection_kwargs.get("db", 0))
    return [c for c in await services.redis.client_list() if str(c.get("db")) == db]


async def test_calls_share_one_connection(services: Any, scripts: ScriptBatch) -> None:
    echo = services.redis.register_script(ECHO)
    await scripts.run(echo, ["qf:test:warm"], ["x"])
    before = len(await _ours(services))
    await asyncio.gather(*(scripts.run(echo, ["qf:test:echo"], [str(i)]) for i in range(200)))
    assert len(await _ours(services)) == before


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


async def test_lost_connection_fails_calls_in_flight_then_reconnects(services: Any) -> None:
    proxy = CuttableProxy(services.redis.connection_pool.connection_kwargs)
    port = await proxy.start()
    redis = aioredis.Redis(host="127.0.0.1", port=port, db=services.redis.connection_pool.connection_kwargs.get("db", 0))
    scripts = ScriptBatch(redis)
    try:
        echo = redis.register_script(ECHO)
        assert await scripts.run(echo, ["qf:test:echo"], ["warm"]) == b"warm"
        proxy.cut_on_next_request = True  # the network fails with these calls written and unanswered
        outcomes = await asyncio.gather(*(scripts.run(echo, ["qf:test:echo"], [str(i)]) for i in range(3)),
                                        return_exceptions=True)
        assert all(isinstance(o, RedisConnectionError) for o in outcomes), outcomes
        assert await scripts.run(echo, ["qf:test:echo"], ["again"]) == b"again"
    finally:
        await scripts.close()
        await redis.aclose()
        await proxy.stop()


async def test_idle_connection_closed_by_redis_is_replaced(services: Any, scripts: ScriptBatch) -> None:
    # Redis restarted or dropped an idle client: the next message must not be the one that fails.
    echo = services.redis.register_script(ECHO)
    await scripts.run(echo, ["qf:test:echo"], ["warm"])
    for client in [c for c in await _ours(services) if c["name"] == CLIENT_NAME]:  # not another worker's
        await services.redis.client_kill_filter(_id=client["id"])
    await asyncio.sleep(0.05)  # the event loop sees the connection close
    assert await scripts.run(echo, ["qf:test:echo"], ["after"]) == b"after"


async def test_close_fails_calls_still_waiting(services: Any) -> None:
    batch = ScriptBatch(services.redis)
    echo = services.redis.register_script(ECHO)
    await batch.run(echo, ["qf:test:echo"], ["warm"])
    pending = asyncio.ensure_future(batch.run(echo, ["qf:test:echo"], ["late"]))
    await asyncio.sleep(0)  # queued for the next write, not yet answered
    await batch.close()
    try:
        await asyncio.wait_for(pending, 2)  # answered or failed, never left hanging
    except RedisConnectionError:
        pass


async def test_missing_private_attribute_fails_loudly_and_falls_back_to_the_pool(
        services: Any, monkeypatch: Any, caplog: Any) -> None:
    """A redis-py without Connection._reader must not silently open a connection per message."""
    from redis.asyncio.connection import Connection

    real_init = Connection.__init__

    def without_reader(self: Any, *a: Any, **kw: Any) -> None:
        real_init(self, *a, **kw)
        del self._reader

    monkeypatch.setattr(Connection, "__init__", without_reader)
    with caplog.at_level("ERROR", logger="qingfeng.script_batch"):
        batch = ScriptBatch(services.redis)
    monkeypatch.undo()
    assert not batch.pipelined
    assert [r for r in caplog.records if r.levelname == "ERROR" and "Connection._reader" in r.getMessage()]
    echo = services.redis.register_script(ECHO)
    await batch.run(echo, ["qf:test:warm"], ["x"])
    before = len(await _ours(services))
    results = await asyncio.gather(*(batch.run(echo, ["qf:test:echo"], [str(i)]) for i in range(50)))
    assert results == [str(i).encode() for i in range(50)]
    clients = await _ours(services)
    assert not [c for c in clients if c.get("name") == CLIENT_NAME]  # no script channel was opened
    assert len(clients) <= before + 50  # the pool's connections, reused: not one more per later message
    again = await asyncio.gather(*(batch.run(echo, ["qf:test:echo"], [str(i)]) for i in range(50)))
    # the pool may open a connection or two more under another burst; one per message would be 50
    assert len(again) == 50 and len(await _ours(services)) < len(clients) + 10
    await batch.close()


async def test_without_hiredis_the_channel_still_answers_every_caller_in_order(
        services: Any, monkeypatch: Any, caplog: Any) -> None:
    from storage import script_batch

    monkeypatch.setattr(script_batch, "hiredis", None)
    with caplog.at_level("WARNING", logger="qingfeng.script_batch"):
        batch = ScriptBatch(services.redis)
    assert batch.pipelined and [r for r in caplog.records if "hiredis is not installed" in r.getMessage()]
    echo = services.redis.register_script(ECHO)
    try:
        results = await asyncio.gather(*(batch.run(echo, ["qf:test:echo"], [f"v{i}"]) for i in range(200)))
        assert results == [f"v{i}".encode() for i in range(200)]
        with pytest.raises(ResponseError):
            await batch.run(services.redis.register_script("return redis.error_reply('ERR no')"), [], [])
    finally:
        await batch.close()
