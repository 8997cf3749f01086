"""Conversation state (FSM) in Redis, keyed by bot + chat + hashed sender, with a TTL.

`StatesGroup` declares a flow's states; `State` objects double as filters.
The state is sealed with the data key (AES-GCM, the key name as associated data), so
a Redis dump holds no report being written. The state key expires after the flow's idle time; a small marker outlives it
so the next message can tell the villager that the flow expired — the marker
holds only the flow's name, so nothing half-filled survives the TTL.
"""
from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import redis.asyncio as aioredis

from storage import keys

if TYPE_CHECKING:
    from storage.crypto import PersonalDataCipher


RESTING: set[str] = set()  # ids of states that show a result and wait for nothing in particular


class State:
    def __init__(self, *, resting: bool = False) -> None:
        """`resting`: the flow has shown its result (a list, say) and expects no particular answer, so the
        answer to a question asked meanwhile by a notice (handlers.rating) is not the flow's."""
        self.group: str = ""
        self.name: str = ""
        self.resting = resting

    def __set_name__(self, owner: type, name: str) -> None:
        self.group = owner.__name__
        self.name = name
        if self.resting:
            RESTING.add(self.id)

    @property
    def id(self) -> str:
        return f"{self.group}:{self.name}"

    def __repr__(self) -> str:
        return f"<State {self.id}>"


class StatesGroup:
    """Subclass and declare `State()` attributes; the subclass name is the flow's name."""

    @classmethod
    def states(cls) -> list[State]:
        return [v for v in vars(cls).values() if isinstance(v, State)]

    @classmethod
    def contains(cls, state_id: str | None) -> bool:
        return bool(state_id) and state_id.split(":", 1)[0] == cls.__name__  # type: ignore[union-attr]


MARKER_GRACE_S = 24 * 3600


class ConversationState:
    """One conversation's state. Loaded once per message by the dispatcher."""

    def __init__(self, redis: aioredis.Redis, bot: str, chat: str, subject: str, ttl: int,
                 cipher: "PersonalDataCipher | None" = None) -> None:
        self._redis = redis
        self._cipher = cipher  # seals the draft: a report being written holds names, phones, ID numbers
        self._key = keys.fsm_state(bot, chat, subject)
        self._marker = keys.fsm_marker(bot, chat, subject)
        self.lock_key = keys.fsm_lock(bot, chat, subject)
        self.ttl = ttl
        self.subject = subject
        self._state: str | None = None
        self._data: dict[str, Any] = {}
        self.changed_at = 0.0  # when the flow last moved (a notice's question sent later is the newer question)
        self.expired_flow: str | None = None  # set when a flow timed out since the last message

    @property
    def keys(self) -> tuple[str, str]:
        """The state and marker keys, for the dispatcher's batched read."""
        return self._key, self._marker

    async def load(self) -> None:
        await self.loaded(await self._redis.mget(self._key, self._marker))

    async def loaded(self, values: list[bytes | None]) -> None:
        raw, marker = values
        if raw:
            doc = self._open(raw)
            self._state, self._data = doc.get("state"), doc.get("data", {})
            self.changed_at = float(doc.get("at", 0.0))
        elif marker:
            self.expired_flow = marker.decode()
            await self._redis.delete(self._marker)

    @property
    def current(self) -> str | None:
        return self._state

    @property
    def resting(self) -> bool:
        """No flow, or one that asked nothing in particular (State(resting=True))."""
        return self._state is None or self._state in RESTING

    def is_in(self, group: type[StatesGroup]) -> bool:
        return group.contains(self._state)

    @property
    def data(self) -> dict[str, Any]:
        return dict(self._data)

    async def set(self, state: State | None, **data: Any) -> None:
        """Move to `state`, merging `data` into what the flow has collected."""
        if state is None:
            await self.clear()
            return
        self._state = state.id
        self._data.update(data)
        doc = self._seal()
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._key, doc, ex=self.ttl)
            pipe.set(self._marker, state.group, ex=self.ttl + MARKER_GRACE_S)
            await pipe.execute()

    async def update(self, **data: Any) -> None:
        if self._state is None:
            raise RuntimeError("update() outside a flow")
        self._data.update(data)
        await self._redis.set(self._key, self._seal(), ex=self.ttl)

    def _seal(self) -> str:
        self.changed_at = time.time()
        doc = json.dumps({"state": self._state, "data": self._data, "at": self.changed_at}, ensure_ascii=False)
        return self._cipher.seal(doc, aad=self._key) if self._cipher else doc

    def _open(self, raw: bytes) -> dict[str, Any]:
        text = raw.decode()
        if self._cipher is None or text.startswith("{"):  # unsealed (no cipher, or written before sealing)
            return dict(json.loads(text))
        try:
            return dict(json.loads(self._cipher.open(text, aad=self._key)))
        except Exception:  # a key no longer configured: the draft is lost, told like an expired one
            return {}

    async def clear(self) -> None:
        self._state, self._data = None, {}
        self.changed_at = time.time()
        await self._redis.delete(self._key, self._marker)
