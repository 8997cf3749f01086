"""The dependency directions (docs/ARCHITECTURE.md), checked on every import statement of the tree, lazy ones
inside functions and TYPE_CHECKING blocks included, the way import-linter's layers contract would:

    bot.app, bot.cli                         the composition roots: may import anything
    bot.api, admin                           interfaces: call the domain (handlers), never each other
    handlers                                 flows and the case domain: from bot only the dispatch, the WeChat
                                             clients and the runtime (services, config)
    bot.dispatch, bot.services, bot.config,  what handlers stand on: nothing above them
    bot.wechat_*
    storage, nlp                             the bottom: nothing from bot, handlers or admin

and the domain's rules stay in the domain: the panel and the API never write a case event or a case's
status, office or priority themselves.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGES = ("bot", "handlers", "admin", "storage", "nlp")
BOT_RUNTIME = ("bot.dispatch", "bot.services", "bot.config", "bot.metrics", "bot.wechat_api", "bot.wechat_templates",
               "bot.wecom_card")


def _module(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _is_module(name: str) -> bool:
    path = REPO / name.replace(".", "/")
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _imports() -> list[tuple[str, str, int]]:
    """(importing module, imported module, line) for every absolute import of our packages."""
    out = []
    for pkg in PACKAGES:
        for path in sorted((REPO / pkg).rglob("*.py")):
            mod = _module(path)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = sorted({f"{node.module}.{a.name}" if _is_module(f"{node.module}.{a.name}") else node.module
                                    for a in node.names})
                else:
                    continue
                out += [(mod, n, node.lineno) for n in names if n.split(".")[0] in PACKAGES]
    return out


IMPORTS = _imports()


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


# Back-edges that came in while the structure step ran, each still to be turned around (the composition root
# wiring them in). Listed so no new one can join them; an entry that no longer occurs fails the test below.
KNOWN_BACK_EDGES: set[tuple[str, str]] = set()  # empty now: no layer imports upward, and none may again


def _violations(importer: tuple[str, ...], forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()) -> list[str]:
    return [f"{src} imports {dst} (line {line})" for src, dst, line in IMPORTS
            if _within(src, importer) and _within(dst, forbidden) and not _within(dst, allowed)
            and (src, dst) not in KNOWN_BACK_EDGES]


def test_known_back_edges_are_still_there() -> None:
    """Turning one around means taking it off the list, so the list only shrinks."""
    found = {(src, dst) for src, dst, _ in IMPORTS}
    assert KNOWN_BACK_EDGES <= found, KNOWN_BACK_EDGES - found


def test_the_walk_sees_the_tree() -> None:  # a walker that found nothing would pass every contract below
    assert len(IMPORTS) > 300
    assert _violations(("bot.app",), ("handlers",))  # the composition root does import the flows (lazily)
    assert _violations(("handlers",), ("bot",)) and not _violations(("handlers",), ("bot",), BOT_RUNTIME)


@pytest.mark.parametrize("importer, forbidden, allowed", [
    (("storage", "nlp"), ("bot", "handlers", "admin"), ()),
    (("handlers",), ("bot", "admin"), BOT_RUNTIME),
    (BOT_RUNTIME + ("bot.wechat_mp", "bot.wechat_work", "bot.inbound", "bot.wechat_sim", "bot.fake_wechat"),
     ("handlers", "admin", "bot.api", "bot.app", "bot.cli"), ()),
    (("admin",), ("bot.api", "bot.app", "bot.cli", "bot.inbound"), ()),
    (("bot.api",), ("admin", "bot.app", "bot.cli"), ()),
], ids=["storage-nlp-at-the-bottom", "handlers-stand-on-bot-runtime", "bot-runtime-knows-no-flows",
        "admin-is-an-interface", "api-is-an-interface"])
def test_no_module_imports_upward(importer: tuple[str, ...], forbidden: tuple[str, ...],
                                  allowed: tuple[str, ...]) -> None:
    assert _violations(importer, forbidden, allowed) == []


def _writes_case_state(path: Path) -> list[str]:
    """Calls that bypass the domain: CaseEvent.create/bulk_create, Case....update(status=/office=/priority=/linked_to_id=)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        text = ast.unparse(node.func)
        kwargs = {k.arg for k in node.keywords}
        if text.startswith("CaseEvent.") and node.func.attr in ("create", "bulk_create"):
            found.append(f"{path.relative_to(REPO)}:{node.lineno} {text}")
        if text.startswith("Case.") and node.func.attr == "update" and kwargs & {"status", "office", "priority",
                                                                                  "linked_to_id"}:
            found.append(f"{path.relative_to(REPO)}:{node.lineno} {text}")
    return found


def test_panel_and_api_change_cases_only_through_the_domain() -> None:
    files = sorted((REPO / "admin").rglob("*.py")) + sorted((REPO / "bot" / "api").rglob("*.py"))
    assert [hit for f in files for hit in _writes_case_state(f)] == []
    # the check itself finds the domain's own writes
    assert _writes_case_state(REPO / "handlers" / "cases" / "filing.py")
