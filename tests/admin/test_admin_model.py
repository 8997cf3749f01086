"""The keyword model page: keywords are validated before they are saved, retraining shows the evaluation of the
candidate beside the live model, and only then may the admin switch. Versions go to the database, never into
the installed package."""
from __future__ import annotations

import asyncio
import html
from typing import Any, Iterator

import pytest

import nlp.category
import nlp.keywords
from handlers import model_files
from storage.models import AuditEntry
from storage.models.operator import ModelFile
from tests.admin.conftest import signed_in

TEXT = "胡家庄村会计把村里鱼塘承包的钱装进了自己口袋"


@pytest.fixture
def package_files() -> Iterator[tuple[bytes, bytes]]:
    kw, model = nlp.keywords.KEYWORDS_PATH.read_bytes(), nlp.category.MODEL_PATH.read_bytes()
    yield kw, model
    model_files.forget()  # the package's files again for the tests that follow


async def test_bad_keywords_are_refused_with_the_line_and_good_ones_take_effect(
        accounts: Any, panel_factory: Any, services: Any, package_files: tuple[bytes, bytes]) -> None:
    from nlp import analyze

    admin = await signed_in(panel_factory, services, "county_admin")
    _, page = await admin.get("/admin/model")
    before = html.unescape(page.split('name="keywords"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0])
    assert "subsidy_fraud" not in before and "惠民惠农资金问题\t2\t虚报冒领" in before  # names, not ids
    bad = before + "没有这个类别\t2.0\t某词\n"
    status, body = await admin.post("/admin/model/keywords", {"keywords": bad})
    line = len(bad.splitlines())
    assert status == 400 and f"第 {line} 行：没有「没有这个类别」这个类别" in body
    assert await ModelFile.all().count() == 0
    registry = await services.registry()
    assert analyze(TEXT, registry).category != "eight_rules"
    good = before + "违反中央八项规定精神\t9.0\t鱼塘\n"
    status, body = await admin.post("/admin/model/keywords", {"keywords": good})
    assert status == 200 and "关键词已保存" in body
    [row] = await ModelFile.filter(kind="keywords")
    assert row.content.endswith("eight_rules\t9.0\t鱼塘\n") and model_files.loaded_versions()["keywords"] == row.id
    assert "subsidy_fraud\t2\t虚报冒领" in row.content  # stored with the ids nlp reads
    assert nlp.keywords.KEYWORDS_PATH.read_bytes() == package_files[0], "the installed package is not written"
    assert analyze(TEXT, registry).category == "eight_rules"
    status, body = await admin.get("/admin/model")
    assert "鱼塘" in body  # the editor shows the live version
    assert await AuditEntry.filter(action="model.keywords").count() == 1


async def test_retrain_shows_evaluation_then_switch_stores_a_new_live_version(
        accounts: Any, panel_factory: Any, services: Any, package_files: tuple[bytes, bytes]) -> None:
    from admin import views_model

    admin = await signed_in(panel_factory, services, "county_admin")
    await admin.get("/admin/model")
    status, body = await admin.post("/admin/model/switch")
    assert status == 400 and await ModelFile.filter(kind="model").count() == 0  # nothing to switch to yet
    await admin.get("/admin/model")
    await admin.post("/admin/model/train")
    await asyncio.wait_for(views_model._TRAINING["job"], timeout=180)
    status, body = await admin.get("/admin/model")
    evaluation = body.split('id="evaluation"', 1)[1].split("</section>", 1)[0]
    assert "全部测试样本" in evaluation and "候选模型平均得分" in evaluation and 'id="switch"' in evaluation
    assert "test" not in evaluation and "macro" not in evaluation
    status, body = await admin.post("/admin/model/switch")
    assert status == 200 and "已切换到新模型" in body
    [row] = await ModelFile.filter(kind="model")
    assert model_files.loaded_versions()["model"] == row.id and '"weights"' in row.content
    assert nlp.category.MODEL_PATH.read_bytes() == package_files[1]
    assert await AuditEntry.filter(action="model.switch").count() == 1
