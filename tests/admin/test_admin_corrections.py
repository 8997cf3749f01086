"""The panel hands staff corrections of category to retraining."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from admin.views_model import write_corrections
from storage.models import Case, CaseEvent


async def test_recategorised_cases_become_training_labels(services: Any, tmp_path: Path) -> None:
    fixed = await Case.create(channel="mp", category="collective_assets", text="村里鱼塘承包费没入账")
    await CaseEvent.create(case=fixed, actor="staff:1", kind="recategorised", reason="是三资问题",
                           data={"from": "work_style", "to": "collective_assets"})
    await Case.create(channel="mp", category="work_style", text="镇上办事推来推去")  # never corrected
    assert await write_corrections(tmp_path) == 1
    rows = [json.loads(line) for line in (tmp_path / "corrections.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows == [{"text": "村里鱼塘承包费没入账", "category": "collective_assets"}]
