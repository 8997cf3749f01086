"""The keyword model page: keywords are validated before they are saved, retraining shows the evaluation of the
candidate beside the live model, and only then may the admin switch. Works on copies of nlp/data files."""
from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

import nlp.category
import nlp.keywords
from storage.models import AuditEntry
from tests.admin.conftest import signed_in


@pytest.fixture
def model_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    from nlp import engine

    kw, model = tmp_path / "keywords.tsv", tmp_path / "model.json"
    shutil.copy2(nlp.keywords.KEYWORDS_PATH, kw)
    shutil.copy2(nlp.category.MODEL_PATH, model)
    monkeypatch.setattr(nlp.keywords, "KEYWORDS_PATH", kw)
    monkeypatch.setattr(nlp.category, "MODEL_PATH", model)
    yield kw, model
    monkeypatch.undo()
    engine.load()  # the real files again for the tests that follow


async def test_bad_keywords_are_refused_with_the_line_and_good_ones_take_effect(
        accounts: Any, panel_factory: Any, services: Any, model_files: tuple[Path, Path]) -> None:
    from nlp import analyze

    kw, _ = model_files
    before = kw.read_text(encoding="utf-8")
    admin = await signed_in(panel_factory, services, "county_admin")
    await admin.get("/admin/model")
    bad = before + "no_such_category\t2.0\t某词\n"
    status, body = await admin.post("/admin/model/keywords", {"keywords": bad})
    line = len(bad.splitlines())
    assert status == 400 and f"line {line}: unknown category" in body
    assert kw.read_text(encoding="utf-8") == before
    registry = await services.registry()
    assert analyze("村里的鱼塘承包给了谁没人知道", registry).category != "eight_rules"
    good = before + "eight_rules\t9.0\t鱼塘\n"
    status, body = await admin.post("/admin/model/keywords", {"keywords": good})
    assert status == 200 and "关键词已保存" in body
    assert kw.read_text(encoding="utf-8") == good
    assert analyze("村里的鱼塘承包给了谁没人知道", registry).category == "eight_rules"
    assert await AuditEntry.filter(action="model.keywords").count() == 1


async def test_retrain_shows_evaluation_then_switch_replaces_live_model(
        accounts: Any, panel_factory: Any, services: Any, model_files: tuple[Path, Path]) -> None:
    from admin import views_model

    _, model = model_files
    live_before = model.read_bytes()
    admin = await signed_in(panel_factory, services, "county_admin")
    await admin.get("/admin/model")
    status, body = await admin.post("/admin/model/switch")
    assert status == 400 and model.read_bytes() == live_before  # nothing to switch to yet
    await admin.get("/admin/model")
    await admin.post("/admin/model/train")
    await asyncio.wait_for(views_model._TRAINING["job"], timeout=120)
    status, body = await admin.get("/admin/model")
    evaluation = body.split('id="evaluation"', 1)[1].split("</section>", 1)[0]
    assert "test (all)" in evaluation and "候选 macro-F1" in evaluation and 'id="switch"' in evaluation
    status, body = await admin.post("/admin/model/switch")
    assert status == 200 and "已切换到新模型" in body
    assert (model.parent / "model.previous.json").read_bytes() == live_before
    assert nlp.category.LinearModel.load(model).weights
    assert await AuditEntry.filter(action="model.switch").count() == 1
