"""Every flow is declared in one table: the routers the dispatcher tries are built from each module's FLOW, the
table is at the module's foot under the diagram of its docstring, and the words a table names as exits do leave
its states (they reach another router, not the flow's own answer)."""
from __future__ import annotations

import ast
import importlib
import inspect
from types import ModuleType

from bot.dispatch import STATE_TTL, ConversationState, Flow, Inbound, Router, State, StatesGroup
import handlers

# Modules whose routers are still decorated (none: keep it so).
NOT_YET_TABLES: set[str] = set()


def _module_of(router: Router) -> ModuleType:
    for name in list(importlib.sys.modules):  # type: ignore[attr-defined]
        mod = importlib.sys.modules[name]  # type: ignore[attr-defined]
        if name.startswith("handlers.") and any(v is router for v in vars(mod).values()):
            return mod
    raise AssertionError(f"router {router.name} is in no handlers module")


def _flow_of(mod: ModuleType, router: Router) -> Flow:
    """The module-level table (FLOW, or another name beside it as rating's NOTICE_FLOW) the router is built from."""
    flows = [v for v in vars(mod).values() if isinstance(v, Flow) and v.name == router.name]
    assert len(flows) == 1, f"{mod.__name__}: router {router.name} is built from no module-level Flow"
    return flows[0]


def _tables() -> list[tuple[ModuleType, Flow, Router]]:
    out = []
    for router in handlers.routers():
        mod = _module_of(router)
        if mod.__name__ not in NOT_YET_TABLES:
            out.append((mod, _flow_of(mod, router), router))
    return out


def test_every_router_is_built_from_its_modules_flow_table() -> None:
    for router in handlers.routers():
        mod = _module_of(router)
        if mod.__name__ in NOT_YET_TABLES:
            continue
        assert isinstance(getattr(mod, "FLOW", None), Flow), f"{mod.__name__} registers handlers outside a FLOW"
        flow = _flow_of(mod, router)
        assert router.name == flow.name
        assert [(h.fn, h.kinds) for h in router.handlers] == [(s.handler, s.kinds) for _, s in flow.steps()], \
            f"{mod.__name__}: a handler registered outside its FLOW table"


def test_each_table_names_its_entries_states_exits_and_timeout() -> None:
    for mod, flow, _ in _tables():
        assert flow.entries() or flow.all_states(), f"{mod.__name__}: neither entry points nor states"
        assert all(isinstance(w, str) and w for w in flow.exits), mod.__name__
        if flow.all_states():
            assert flow.timeout == STATE_TTL and "QINGFENG_STATE_TTL" in flow.timeout, mod.__name__
        else:
            assert flow.timeout is None, f"{mod.__name__}: a timeout without states"


def test_the_table_is_at_the_foot_and_the_diagram_at_the_top() -> None:
    for mod, _, router in _tables():
        tree = ast.parse(inspect.getsource(mod))
        assert ast.get_docstring(tree), f"{mod.__name__}: no diagram in the docstring"
        assert "_router." not in ast.get_docstring(tree), f"{mod.__name__}: the docstring names decorators"
        body = tree.body
        at = next(i for i, node in enumerate(body) if isinstance(node, ast.Assign)
                  and isinstance(node.value, ast.Call) and ast.unparse(node.value.func) == "Flow")
        after = [ast.unparse(node) for node in body[at + 1:]]
        assert all(line.endswith(".router()") or " = Flow(" in line for line in after), \
            f"{mod.__name__}: code after its FLOW table"
        source = inspect.getsource(mod)
        assert "_router.text(" not in source and "_router.register(" not in source, mod.__name__


def _states_of(key: State | type[StatesGroup]) -> list[State]:
    return [key] if isinstance(key, State) else key.states()


async def test_a_tables_exit_words_leave_its_states(services) -> None:
    every = handlers.routers()
    for mod, flow, _ in _tables():
        own = {s.handler for state, s in flow.steps() if state is not None}
        for key in flow.all_states():
            for waiting in _states_of(key):
                state = ConversationState(services.redis, "mp", "o", "exits", 60, services.cipher)
                await state.set(waiting)
                for word in flow.exits:
                    msg = Inbound(channel="mp", sender="o", kind="text", text=word)
                    ctx = {"state": state, "msg": msg, "services": services}
                    first = next((h for r in every for h in r.handlers if h.match(msg, ctx) is not None), None)
                    assert first is None or first.fn not in own, \
                        f"{mod.__name__}: {word!r} in {waiting.id} is taken as the flow's answer ({first.fn.__name__})"
