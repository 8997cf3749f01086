"""A conversation flow declared in one place, in the manner of python-telegram-bot's ConversationHandler.

A flow module writes its handlers undecorated and, at its foot, one table:

    FLOW = Flow(
        "followup",
        entry_points=[on_text(start, Keyword(*vocabulary.FOLLOWUP, prefix=True)), on_click("PROGRESS", start_click)],
        states={Followup.ask: [on_text(asked)]},
        fallbacks=[on_text(bare, _bare_reference)],
        exits=vocabulary.CANCEL + vocabulary.words_of_other_flows("followup"),
        timeout=STATE_TTL,
    )
    followup_router = FLOW.router()

The router tries the steps in the order the table lists them: entry points, then each state's steps (the state's
filter is put first, automatically), then the fallbacks. Unlike telegram's, entry points are tried in every state
(取消 and the menu work at any step) and fallbacks carry their own filters. Where a module's order interleaves
entries and states, an entry list may hold a states section in place (`{State: [steps]}`): it is tried exactly
there, so a table never reorders what the module did.

`exits` are the words that leave the flow's states (they reach another router instead of being taken as an
answer); `timeout` says how long a state waits (the state TTL, QINGFENG_STATE_TTL), None for a flow without states.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence, Union

from bot.dispatch.router import HandlerFn, Router, click_is, event_is
from bot.dispatch.state import State, StatesGroup

TEXT_KINDS = frozenset({"text", "voice"})  # voice: WeChat's transcription is read as text
MESSAGE_KINDS = frozenset({"text", "voice", "image", "video", "location", "link", "file"})
STATE_TTL = "QINGFENG_STATE_TTL (the conversation state's idle time, Settings.state_ttl_s)"

StateKey = Union[State, type[StatesGroup]]


@dataclass(frozen=True)
class Step:
    """One handler of a flow: the message kinds it takes and its filters (tried in this order)."""

    handler: HandlerFn
    kinds: frozenset[str]
    filters: tuple[Any, ...] = ()
    what: str = ""  # how the table reads: "text", "click HELP", "event subscribe", "location"


States = Mapping[StateKey, Sequence[Step]]


def on_text(handler: HandlerFn, *filters: Any) -> Step:
    """A text message, or a voice message that WeChat transcribed."""
    return Step(handler, TEXT_KINDS, filters, "text")


def on_message(handler: HandlerFn, *filters: Any) -> Step:
    """Any message a person sends (text, voice, photo, video, location, link, file)."""
    return Step(handler, MESSAGE_KINDS, filters, "message")


def on_media(kinds: set[str] | frozenset[str], handler: HandlerFn, *filters: Any) -> Step:
    return Step(handler, frozenset(kinds), filters, "/".join(sorted(kinds)))


def on_event(name: str, handler: HandlerFn, *filters: Any) -> Step:
    return Step(handler, frozenset({"event"}), (event_is(name), *filters), f"event {name.lower()}")


def on_click(key: str, handler: HandlerFn, *filters: Any) -> Step:
    """A custom-menu click whose EventKey is `key` (bot/wechat_menu.py)."""
    return Step(handler, frozenset({"event"}), (click_is(key), *filters), f"click {key}")


Entry = Union[Step, States]


@dataclass(frozen=True)
class Flow:
    name: str
    entry_points: Sequence[Entry]
    states: States
    fallbacks: Sequence[Step]
    exits: tuple[str, ...]
    timeout: str | None
    _order: list[tuple[StateKey | None, Step]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if (self.states or self.in_place_states()) and not self.timeout:
            raise ValueError(f"flow {self.name} has states: name their timeout (STATE_TTL)")
        order: list[tuple[StateKey | None, Step]] = []
        for entry in self.entry_points:
            if isinstance(entry, Step):
                order.append((None, entry))
            else:
                order.extend((state, step) for state, steps in entry.items() for step in steps)
        order.extend((state, step) for state, steps in self.states.items() for step in steps)
        order.extend((None, step) for step in self.fallbacks)
        object.__setattr__(self, "_order", order)

    def in_place_states(self) -> list[StateKey]:
        return [s for entry in self.entry_points if not isinstance(entry, Step) for s in entry]

    def all_states(self) -> list[StateKey]:
        """Every state the flow waits in: its `states` and the sections kept in place among its entries."""
        return self.in_place_states() + [s for s in self.states if s not in self.in_place_states()]

    def entries(self) -> list[Step]:
        return [e for e in self.entry_points if isinstance(e, Step)]

    def steps(self) -> list[tuple[StateKey | None, Step]]:
        """(state or None, step) in the order the router tries them."""
        return list(self._order)

    def router(self) -> Router:
        router = Router(self.name)
        for state, step in self._order:
            head = (state,) if state is not None else ()
            router.register(set(step.kinds), *head, *step.filters)(step.handler)
        return router
