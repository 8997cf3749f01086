"""Staff corrections of category are labels: retraining with them changes what the model says."""
from __future__ import annotations

from pathlib import Path

from nlp import classify_category, engine
from nlp.train import train

TEXT = "他们把村里的老水碓拆了偷偷卖掉,钱不知道去哪了"


def test_staff_corrections_teach_the_model(tmp_path: Path) -> None:
    extra = [(TEXT, "collective_assets")] * 12 + [("", "collective_assets"), ("无效类别", "no_such_category")]
    try:
        stats = train(tmp_path / "candidate.json", extra=extra)
        assert stats["corrections"] == 12  # empty texts and unknown categories are not labels
        engine.load(model_path=tmp_path / "candidate.json")
        assert classify_category(TEXT).category == "collective_assets"
    finally:
        engine.load()  # the live model again, for the other tests
