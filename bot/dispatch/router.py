"""Routers and filters (in the manner of aiogram v3).

A router holds handlers for one feature. A handler is registered with filters;
a filter is a callable `(msg, ctx) -> bool | dict` — a dict means "matched" and
its items are passed to the handler, so filters return what they found.
Handlers declare what they need by parameter name (`msg`, `state`, `user`,
`services`, `registry`, ...), and the dispatcher supplies it.
"""
from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from bot.dispatch.message import Inbound, normalise_keyword
from bot.dispatch.reply import Reply
from bot.dispatch.state import State, StatesGroup

FilterResult = bool | dict[str, Any]
Filter = Callable[[Inbound, dict[str, Any]], FilterResult]
HandlerFn = Callable[..., Awaitable[Reply | str | None]]


class SkipHandler(Exception):
    """Raised by a handler that, once it has looked (e.g. in Redis), is not the one: the dispatcher tries the
    handlers after it, as aiogram's SkipHandler. Filters are synchronous; this is for checks that must await."""


class Keyword:
    """Matches a text that is one of the words, or starts with one followed by arguments.

    Found: `keyword` and `args` (the rest of the text, stripped).
    """

    def __init__(self, *words: str, prefix: bool = False) -> None:
        self.words = tuple(words)
        self.prefix = prefix
        self._pairs = tuple((w, normalise_keyword(w)) for w in words)
        self._by_norm: dict[str, str] = {}
        for w, nw in self._pairs:  # the first word of a spelling wins, as the loop below would choose
            self._by_norm.setdefault(nw, w)

    def __call__(self, msg: Inbound, ctx: dict[str, Any]) -> FilterResult:
        content = msg.content
        if not content:
            return False
        if not self.prefix:  # every message meets dozens of these: a dict, not a loop
            word = self._by_norm.get(msg.normalised)
            return {"keyword": word, "args": ""} if word is not None else False
        norm = msg.normalised
        for w, nw in self._pairs:  # in order: an earlier word's prefix wins over a later word's whole match
            if norm == nw:
                return {"keyword": w, "args": ""}
            if content.startswith(w):
                return {"keyword": w, "args": content[len(w):].strip(" ::,,")}
        return False


class Regex:
    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)

    def __call__(self, msg: Inbound, ctx: dict[str, Any]) -> FilterResult:
        m = self.pattern.search(msg.content)
        return {"match": m} if m else False


def in_state(target: State | type[StatesGroup] | None) -> Filter:
    def check(msg: Inbound, ctx: dict[str, Any]) -> FilterResult:
        current = ctx["state"].current
        if target is None:
            return current is None
        if isinstance(target, State):
            return current == target.id
        return target.contains(current)

    return check


def private_chat(msg: Inbound, ctx: dict[str, Any]) -> FilterResult:
    return not msg.in_group


def group_chat(msg: Inbound, ctx: dict[str, Any]) -> FilterResult:
    return msg.in_group


def event_is(name: str) -> Filter:
    """An event named `name` (WeChat's Event, compared in lower case)."""
    want = name.lower()
    return lambda m, c: m.event == want


def click_is(key: str) -> Filter:
    """A custom-menu click whose EventKey is `key`."""
    return lambda m, c: m.event == "click" and m.event_key == key


def _as_filter(f: Any) -> Filter:
    if isinstance(f, (State,)) or (isinstance(f, type) and issubclass(f, StatesGroup)):
        return in_state(f)
    if isinstance(f, str):
        return Keyword(f)
    return f


@dataclass
class Handler:
    fn: HandlerFn
    kinds: frozenset[str]
    filters: list[Filter]
    params: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        self.params = tuple(inspect.signature(self.fn).parameters)

    def match(self, msg: Inbound, ctx: dict[str, Any]) -> dict[str, Any] | None:
        if msg.kind not in self.kinds:
            return None
        found: dict[str, Any] | None = None  # made only when a filter finds something: most handlers do not match
        for f in self.filters:
            r = f(msg, ctx)
            if not r:
                return None
            if isinstance(r, dict):
                found = dict(r) if found is None else {**found, **r}
        return found if found is not None else {}

    async def call(self, ctx: dict[str, Any]) -> Reply:
        missing = [p for p in self.params if p not in ctx]
        if missing:
            raise TypeError(f"handler {self.fn.__qualname__} asks for {missing}, which no middleware supplies")
        out = await self.fn(**{p: ctx[p] for p in self.params})
        if out is None:
            return Reply.empty()
        if isinstance(out, str):
            return Reply.text(out)
        return out


class Router:
    def __init__(self, name: str) -> None:
        self.name = name
        self.handlers: list[Handler] = []

    def register(self, kinds: set[str], *filters: Any) -> Callable[[HandlerFn], HandlerFn]:
        def deco(fn: HandlerFn) -> HandlerFn:
            self.handlers.append(Handler(fn, frozenset(kinds), [_as_filter(f) for f in filters]))
            return fn

        return deco

    def text(self, *filters: Any) -> Callable[[HandlerFn], HandlerFn]:
        """Text messages, and voice messages that WeChat transcribed."""
        return self.register({"text", "voice"}, *filters)

    def message(self, *filters: Any, kinds: set[str] | None = None) -> Callable[[HandlerFn], HandlerFn]:
        return self.register(kinds or {"text", "voice", "image", "video", "location", "link", "file"}, *filters)

    def event(self, name: str, *filters: Any) -> Callable[[HandlerFn], HandlerFn]:
        return self.register({"event"}, event_is(name), *filters)

    def click(self, key: str, *filters: Any) -> Callable[[HandlerFn], HandlerFn]:
        """A custom-menu click whose EventKey is `key`."""
        return self.register({"event"}, click_is(key), *filters)

    def find(self, msg: Inbound, ctx: dict[str, Any]) -> tuple[Handler, dict[str, Any]] | None:
        """The first handler that matches (the dispatcher goes on past one that raises SkipHandler)."""
        for h in self.handlers:
            found = h.match(msg, ctx)
            if found is not None:
                return h, found
        return None
