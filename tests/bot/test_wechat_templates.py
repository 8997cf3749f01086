"""Template field maps: checked when the configuration loads, values fitted to WeChat's typed keys."""
from __future__ import annotations

import pytest

from bot.cli import main
from bot.config import ConfigError, load_settings
from bot.wechat_templates import PURPOSES, TemplateSpec, check, render, value_problem


def test_the_default_maps_are_valid_and_render_values_wechat_accepts() -> None:
    specs = load_settings({}).tpl.specs()
    assert set(specs) == set(PURPOSES)
    long = "反映人不满意,请复查:与QF2026000061相似,已关联,共3件,请尽快处理"
    values = {"label": long, "number": "QF2026000063", "category": "惠民惠农资金问题", "place": "南坝镇胡家庄村",
              "due": "2026-12-04", "note": "", "news": long, "status": "已开始调查核实", "date": "2026-12-02",
              "hint": long, "title": long, "count": "3条"}
    for spec in specs.values():
        data = render(spec, values)
        assert set(data) == set(spec.fields)
        for key, item in data.items():
            assert value_problem(key, item["value"]) is None, (key, item)
    reporter = render(specs["reporter"], values)
    assert reporter["character_string1"]["value"] == "QF2026000063" and reporter["date3"]["value"] == "2026年12月2日"
    assert len(reporter["thing2"]["value"]) == 20 and reporter["thing2"]["value"].endswith("…")


@pytest.mark.parametrize(("fields", "problem"), [
    ("character_string1=news,thing2=number", "character_string1 cannot carry 'news'"),
    ("thing1=number,thing2=colour", "'colour' is not one of"),
    ("keyword1=number", "'keyword1' is not a WeChat key"),  # old keys: official-account templates only
    ("thing2=news", "number must be mapped"),
    ("", "no field is mapped"),
])
def test_a_wrong_subscribe_map_is_named_precisely(fields: str, problem: str) -> None:
    found = check(PURPOSES["reporter_subscribe"], TemplateSpec.parse("SUB-x", fields))
    assert any(problem in p and p.startswith("QINGFENG_TPL_REPORTER_SUBSCRIBE") for p in found), found


def test_an_old_official_account_template_is_still_accepted() -> None:
    assert check(PURPOSES["reporter"], TemplateSpec.parse("TPL-old", "first=news,keyword1=number,remark=hint")) == []


def test_serve_refuses_to_start_with_a_wrong_map_naming_the_variable(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("QINGFENG_ENV", "development")
    monkeypatch.setenv("QINGFENG_TPL_STAFF_FIELDS", "thing1=label,date2=number")
    with pytest.raises(ConfigError):
        load_settings()
    assert main(["serve", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "QINGFENG_TPL_STAFF_FIELDS: date2 cannot carry 'number'" in err and "Traceback" not in err
