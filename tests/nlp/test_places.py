"""Place extraction: names, aliases, township+village pairs, ambiguity, group defaults."""
from __future__ import annotations

from nlp import RegistryIndex, analyze


def test_full_name_and_alias_give_the_same_village(demo: RegistryIndex) -> None:
    a = analyze("胡家庄村的会计挪用集体资金", demo)
    b = analyze("胡家庄的会计挪用集体资金", demo)
    assert (a.township, a.village) == (b.township, b.village) == ("610798101", "610798101201")


def test_place_names_are_single_tokens(demo: RegistryIndex) -> None:
    tokens = analyze("南坝镇胡家庄村的支书截留低保金", demo).tokens
    assert "南坝镇" in tokens and "胡家庄村" in tokens


def test_ambiguous_village_without_township_gives_no_village(demo: RegistryIndex) -> None:
    a = analyze("石桥村的会计把低保钱扣了", demo)
    assert (a.township, a.village) == ("", "")
    assert a.place_ambiguous
    assert a.route_to == demo.county_code  # rule 5: county intake desk


def test_ambiguous_village_resolved_by_township(demo: RegistryIndex) -> None:
    a = analyze("东岭镇石桥村的会计把低保钱扣了", demo)
    assert (a.township, a.village) == ("610798102", "610798102202")
    assert a.route_to == "610798102"


def test_ambiguous_village_resolved_by_group(demo: RegistryIndex) -> None:
    a = analyze("石桥村的会计把低保钱扣了", demo, group_village="610798102202")
    assert a.village == "610798102202" and not a.place_ambiguous


def test_group_village_is_the_default_when_text_names_none(demo: RegistryIndex) -> None:
    a = analyze("村会计把我们的低保钱扣了一半", demo, group_village="610798101203")
    assert (a.township, a.village) == ("610798101", "610798101203")
    assert a.route_to == "610798101"


def test_named_village_beats_group_default(demo: RegistryIndex) -> None:
    a = analyze("马家河村的会计把低保钱扣了", demo, group_village="610798101201")
    assert a.village == "610798102203"


def test_township_alias_alone_gives_township(second: RegistryIndex) -> None:
    a = analyze("金沙街办的工作人员办事要好处费", second)
    assert (a.township, a.village) == ("620899201", "")


def test_second_registry_ambiguous_and_derived_short_names(second: RegistryIndex) -> None:
    assert analyze("新民村的支书套取扶贫资金", second).village == ""
    assert analyze("桃源镇新民村的支书套取扶贫资金", second).village == "620899103201"
    # 新民 is the short form of both 新民村: still ambiguous.
    assert second.is_ambiguous_village("新民")


def test_nothing_found_is_flagged_so_the_chat_can_ask(demo: RegistryIndex) -> None:
    a = analyze("村支书把低保给了他小舅子", demo, asked_already=False)
    assert a.place_ambiguous and a.ask_place
    assert a.route_to == demo.county_code


def test_reload_registry_makes_new_village_a_token(demo: RegistryIndex) -> None:
    import copy
    import json

    from nlp.dataset import REGISTRIES

    d = json.loads(REGISTRIES["demo"].read_text(encoding="utf-8"))
    extended = copy.deepcopy(d)
    extended["townships"][2]["villages"].append({"code": "610798201299", "name": "柏树垭村", "aliases": []})
    reg = RegistryIndex.from_dict(extended)
    a = analyze("柏树垭村的村主任收了好处费才给盖章", reg)
    assert "柏树垭村" in a.tokens and a.village == "610798201299"
    # Back to the original registry: the name is no longer a place.
    assert analyze("柏树垭村的村主任收了好处费才给盖章", demo).village == ""


def test_township_mentioned_in_passing_is_not_the_place(demo: RegistryIndex) -> None:
    a = analyze("我孙子在南坝镇读初中，我在家种地，村会计把我家的低保钱扣了一半", demo)
    assert a.township == "" and a.route_to == demo.county_code  # asked or county intake, not 南坝镇
    b = analyze("东岭村的会计把我家的低保钱扣了，我平时去南坝镇赶集才听说的", demo)
    assert (b.township, b.village) == ("610798102", "610798102201")


def test_registry_names_match_through_common_variants(demo: RegistryIndex) -> None:
    assert analyze("南坝乡胡家庄村委会的会计挪用集体资金", demo).village == "610798101201"
    assert analyze("杨家湾村委的主任把低保给了亲戚", demo).village == "610798101203"
    assert analyze("清水镇红星村的支书收红包", demo).township == "610798201"
