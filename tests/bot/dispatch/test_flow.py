"""Flow: a conversation declared in one table builds the router that tries its steps in the table's order."""
from __future__ import annotations

from typing import Any

import pytest

from bot.dispatch import STATE_TTL, Flow, Inbound, Keyword, State, StatesGroup, on_click, on_event, on_media, on_text


class Demo(StatesGroup):
    ask = State()
    more = State()


class _State:
    def __init__(self, current: str | None) -> None:
        self.current = current


async def start() -> str:
    return "start"


async def asked() -> str:
    return "asked"


async def more() -> str:
    return "more"


async def photo() -> str:
    return "photo"


async def clicked() -> str:
    return "clicked"


async def followed() -> str:
    return "followed"


async def anything() -> str:
    return "anything"


def _table(**over: Any) -> Flow:
    kw: dict[str, Any] = dict(
        entry_points=[on_text(start, Keyword("开始")), on_click("DEMO", clicked), on_event("subscribe", followed)],
        states={Demo.ask: [on_text(asked)], Demo.more: [on_text(more)], Demo: [on_media({"image"}, photo)]},
        fallbacks=[on_text(anything)],
        exits=("取消",),
        timeout=STATE_TTL,
    )
    kw.update(over)
    return Flow("demo", **kw)


def _first(flow: Flow, msg: Inbound, state: str | None) -> str | None:
    found = flow.router().find(msg, {"state": _State(state)})
    return found[0].fn.__name__ if found else None


def _text(t: str) -> Inbound:
    return Inbound(channel="mp", sender="o", kind="text", text=t)


def test_entry_points_work_in_every_state_before_the_states_steps() -> None:
    flow = _table()
    assert _first(flow, _text("开始"), None) == "start"
    assert _first(flow, _text("开始"), Demo.ask.id) == "start"


def test_a_state_step_answers_only_in_its_state() -> None:
    flow = _table()
    assert _first(flow, _text("东岭村"), Demo.ask.id) == "asked"
    assert _first(flow, _text("东岭村"), Demo.more.id) == "more"
    assert _first(flow, _text("东岭村"), None) == "anything"  # outside the flow only the fallback takes it
    photo_msg = Inbound(channel="mp", sender="o", kind="image", media_id="m")
    assert _first(flow, photo_msg, Demo.more.id) == "photo"  # a StatesGroup key: any of its states
    assert _first(flow, photo_msg, None) is None


def test_clicks_and_events_are_matched_by_key_and_name() -> None:
    flow = _table()
    assert _first(flow, Inbound(channel="mp", sender="o", kind="event", event="click", event_key="DEMO"), None) \
        == "clicked"
    assert _first(flow, Inbound(channel="mp", sender="o", kind="event", event="click", event_key="OTHER"), None) \
        is None
    assert _first(flow, Inbound(channel="mp", sender="o", kind="event", event="subscribe"), None) == "followed"


def test_a_states_section_among_the_entries_is_tried_in_place() -> None:
    flow = _table(entry_points=[{Demo.ask: [on_text(asked)]}, on_text(start)], states={}, fallbacks=[])
    assert [h.fn.__name__ for h in flow.router().handlers] == ["asked", "start"]
    assert _first(flow, _text("开始"), Demo.ask.id) == "asked"  # the section comes first, as declared
    assert _first(flow, _text("开始"), None) == "start"
    assert flow.all_states() == [Demo.ask] and [s.handler for s in flow.entries()] == [start]


def test_the_router_lists_entries_states_then_fallbacks() -> None:
    flow = _table()
    assert [h.fn.__name__ for h in flow.router().handlers] == \
        ["start", "clicked", "followed", "asked", "more", "photo", "anything"]
    assert [state for state, _ in flow.steps()] == [None, None, None, Demo.ask, Demo.more, Demo, None]


def test_a_flow_with_states_must_name_its_timeout() -> None:
    with pytest.raises(ValueError, match="timeout"):
        _table(timeout=None)
    assert _table(states={}, timeout=None).timeout is None
