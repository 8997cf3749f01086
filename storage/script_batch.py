"""The hot path's Lua scripts over one connection kept for them, pipelined.

Every inbound message runs two scripts (the dispatcher's begin and finish). Through
redis-py's ordinary path each call checks a connection out of the pool, probes it
for stray data with a zero timeout, and waits for its own reply before the
connection goes back: that costs this process more than the script costs Redis.
Here the calls made during one turn of the event loop are written together on a
connection held for the purpose, and one reader takes the replies in order, so
callers never wait for each other's round trips.

Each caller gets its own result or exception, as from `Script.__call__`. When the
connection fails, every call in flight fails with that error and the next call
connects afresh; a script Redis no longer knows (restart, SCRIPT FLUSH) is loaded
and run again through the ordinary path.

The commands are packed here (RESP, as redis-py packs them) and written straight to the connection's stream;
the replies are read from it with hiredis (the C parser redis-py itself uses), many per read, under the
client's socket timeout. The idle-connection check reads redis-py's private `Connection._reader`. Where a redis-py
release lacks it, `ScriptBatch` says so at start-up (an ERROR in the log, once) and sends
every call through the ordinary pooled path instead of opening a connection per message.
"""
from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any, Sequence

from redis import __version__ as REDIS_PY_VERSION
import redis.asyncio as aioredis
from redis.asyncio.connection import Connection
from redis.commands.core import AsyncScript
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

try:
    import hiredis
except ImportError:  # redis-py's own reader then
    hiredis = None

CLIENT_NAME = "qingfeng-scripts"
log = logging.getLogger("qingfeng.script_batch")


def _open(conn: Connection) -> bool:
    """Whether Redis has not closed this connection: its stream has seen no end of file.

    redis-py's pool probes each connection it lends with a read under a zero timeout;
    this check is the same question asked of the buffer the event loop already fills.
    """
    reader = getattr(conn, "_reader", None)
    return reader is not None and not reader.at_eof()


def _private_attributes() -> frozenset[str]:
    """Which of redis-py's private stream attributes this version keeps (`_reader` for `_open`, `_writer` for the
    direct path): one look at an unconnected Connection, whose constructor opens nothing."""
    probe = Connection()
    return frozenset(name for name in ("_reader", "_writer") if hasattr(probe, name))


def _error(reply: Exception) -> ResponseError:
    """An error reply as redis-py raises it: NOSCRIPT (the script is loaded again) apart from the rest."""
    text = str(reply)
    return NoScriptError(text) if text.startswith("NOSCRIPT") else ResponseError(text)


def _arg(value: Any) -> bytes:
    # redis-py's encoding of a command argument (Encoder.encode), for the only types the scripts pass
    kind = type(value)
    if kind is bytes:
        return value  # type: ignore[no-any-return]
    if kind is str:
        return value.encode()  # type: ignore[no-any-return]
    if kind is int:
        return b"%d" % value
    if kind is float:
        return repr(value).encode()
    raise TypeError(f"a script argument must be bytes, str, int or float, not {kind.__name__}")


_HEADS: dict[tuple[str, int, int], bytes] = {}  # per script and shape: the command's fixed start


def _evalsha(sha: str, keys: Sequence[Any], args: Sequence[Any]) -> bytes:
    """EVALSHA as RESP, as redis-py's pack_command writes it: that cost more than the script on the hot path."""
    shape = (sha, len(keys), len(keys) + len(args))
    head = _HEADS.get(shape)
    if head is None:
        name, count = sha.encode(), b"%d" % len(keys)
        head = _HEADS[shape] = b"*%d\r\n$7\r\nEVALSHA\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (
            shape[2] + 3, len(name), name, len(count), count)
    out = [head]
    for value in (*keys, *args):
        data = _arg(value)
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


class ScriptBatch:
    """`await scripts.run(script, keys, args)`: `await script(keys, args)` without a round trip of its own."""

    def __init__(self, redis: aioredis.Redis) -> None:
        self._redis = redis
        kept = _private_attributes()
        self.pipelined = "_reader" in kept
        if not self.pipelined:
            log.error("redis-py %s has no Connection._reader: the script channel is off, scripts go through "
                      "the connection pool (slower per message; pin a redis-py that has it, see "
                      "storage/script_batch.py)", REDIS_PY_VERSION)
        # Written straight to the connection's stream and read with hiredis: redis-py's per-command path (a
        # timeout context and a parser call per reply) cost more than the scripts themselves
        self._direct = hiredis is not None and self.pipelined and "_writer" in kept
        if self.pipelined and not self._direct:
            log.warning("script channel: %s; replies are read by redis-py, one call each (slower per message)",
                        "hiredis is not installed" if hiredis is None else "redis-py has no Connection._writer")
        self._conn: Connection | None = None
        self._outgoing: list[bytes] = []
        self._waiting: deque[asyncio.Future[Any]] = deque()  # in the order the commands were written
        self._tasks: set[asyncio.Task[None]] = set()  # the loop keeps only weak references to tasks
        self._reading = False
        self._connecting = asyncio.Lock()

    async def run(self, script: AsyncScript, keys: Sequence[Any], args: Sequence[Any]) -> Any:
        if not self.pipelined:
            return await script(keys=list(keys), args=list(args))
        conn = self._conn
        if conn is None or not (self._waiting or _open(conn)):
            conn = await self._reconnect(conn)
        command = _evalsha(script.sha, keys, args)  # a bad argument fails here, before anything is queued
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        if not self._outgoing:
            # call_soon runs after the callbacks already due this turn, so their calls join this write
            loop.call_soon(self._flush, conn)
        self._outgoing.append(command)
        self._waiting.append(future)
        try:
            return await future
        except NoScriptError:
            return await script(keys=list(keys), args=list(args))

    async def _reconnect(self, stale: Connection | None) -> Connection:
        """A new connection when there is none, or when the idle one was closed (Redis restarted, timed out)."""
        async with self._connecting:
            if self._conn is stale:  # not already replaced by another caller
                self._conn = None
                if stale is not None:
                    await stale.disconnect(nowait=True)
                self._conn = await self._connect()
            assert self._conn is not None
            return self._conn

    async def _connect(self) -> Connection:
        conn = self._redis.connection_pool.make_connection()
        await conn.connect()
        await conn.send_command("CLIENT", "SETNAME", CLIENT_NAME)  # so CLIENT LIST tells it apart
        await conn.read_response()
        return conn  # type: ignore[no-any-return]

    def _flush(self, conn: Connection) -> None:
        if conn is not self._conn:  # it failed since: its callers have been told
            return
        data, self._outgoing = self._outgoing, []
        if self._direct:
            # written now, not by a task: a turn's commands are a few hundred bytes, and the in-flight limit
            # bounds what can pile up in the transport while Redis is slow; a broken socket shows in the read
            conn._writer.writelines(data)  # type: ignore[union-attr]
        else:
            self._spawn(self._write(conn, data))
        if not self._reading:
            self._reading = True
            self._spawn(self._reader(conn))

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _write(self, conn: Connection, data: list[bytes]) -> None:
        try:
            await conn.send_packed_command(data, check_health=False)
        except Exception as exc:
            await self._fail(conn, exc)

    def _reader(self, conn: Connection) -> Any:
        return self._read_replies(conn) if self._direct else self._read(conn)

    def _answer(self, result: Any) -> None:
        future = self._waiting.popleft()
        if not future.done():  # its caller may have been cancelled
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)

    async def _read(self, conn: Connection) -> None:
        """redis-py's reader, one reply per call (where hiredis is missing)."""
        try:
            while self._waiting and self._conn is conn:
                try:
                    result: Any = await conn.read_response()
                except ResponseError as exc:  # an error reply: read whole, so the connection is still in step
                    result = exc
                self._answer(result)
        except asyncio.CancelledError:  # the loop is closing
            self._reading = False
            raise
        except Exception as exc:
            await self._fail(conn, exc)
        self._reread()

    async def _read_replies(self, conn: Connection) -> None:
        """What arrived, parsed by hiredis: every reply complete in it answers its caller, in order. Each read
        waits at most the client's socket timeout, as redis-py's own reads do."""
        parser = hiredis.Reader()
        stream = conn._reader  # type: ignore[union-attr]
        timeout = conn.socket_timeout
        try:
            while self._waiting and self._conn is conn:
                try:
                    async with asyncio.timeout(timeout):
                        data = await stream.read(65536)
                except TimeoutError:
                    raise RedisTimeoutError(f"Timeout reading from the script channel after {timeout} s") from None
                if not data:
                    raise RedisConnectionError("the script channel was closed by the server")
                parser.feed(data)
                while self._waiting and (reply := parser.gets()) is not False:
                    self._answer(_error(reply) if isinstance(reply, hiredis.ReplyError) else reply)
        except asyncio.CancelledError:
            self._reading = False
            raise
        except Exception as exc:
            await self._fail(conn, exc)
        self._reread()

    def _reread(self) -> None:
        self._reading = False
        if self._waiting and self._conn is not None:  # written while this reader was finishing
            self._reading = True
            self._spawn(self._reader(self._conn))

    async def _fail(self, conn: Connection, exc: Exception) -> None:
        if self._conn is not conn:
            return
        self._conn = None
        waiting, self._waiting, self._outgoing = self._waiting, deque(), []
        for future in waiting:
            if not future.done():
                future.set_exception(exc)
        await conn.disconnect(nowait=True)

    async def close(self) -> None:
        if self._conn is not None:
            await self._fail(self._conn, RedisConnectionError("the script channel was closed"))
