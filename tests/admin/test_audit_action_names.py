"""Every audit action the audit page has a name for is one some code writes (a name nothing writes is a rule
left behind: `case.linked` was one)."""
from __future__ import annotations

from pathlib import Path

from handlers.model_files import KINDS
from storage.models.audit import ACTION_NAMES

ROOT = Path(__file__).resolve().parents[2]
BUILT = {f"model.{kind}" for kind in KINDS}  # handlers/model_files.py writes f"model.{kind}"


def test_every_named_audit_action_is_written_somewhere() -> None:
    source = "".join(p.read_text(encoding="utf-8") for area in ("bot", "handlers", "admin", "storage")
                     for p in (ROOT / area).rglob("*.py") if p != ROOT / "storage/models/audit.py")
    unwritten = [name for name in ACTION_NAMES if name not in BUILT
                 and (f'"{name}' if name.endswith(".") else f'"{name}"') not in source]
    assert unwritten == []
