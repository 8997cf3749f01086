"""SPEC Routing rules on real sentences, plus the level of the accused."""
from __future__ import annotations

from nlp import RegistryIndex, analyze, route


def test_village_cadre_goes_to_township_commission(demo: RegistryIndex) -> None:
    a = analyze("南坝镇胡家庄村的村支书把我妈的低保钱扣了一半", demo)
    assert (a.level, a.route_to) == ("village", "610798101")
    assert "南坝镇纪委" in a.route_reason


def test_township_level_accused_goes_to_county(demo: RegistryIndex) -> None:
    a = analyze("南坝镇的副镇长收了我两千块钱好处费才给办手续", demo)
    assert a.level == "township"
    assert a.route_to == demo.county_code
    assert "回避" in a.route_reason


def test_station_head_is_township_level(demo: RegistryIndex) -> None:
    a = analyze("东岭镇林业站站长批砍伐证要收钱", demo)
    assert (a.level, a.route_to) == ("township", "610798")


def test_county_bureau_goes_to_county(second: RegistryIndex) -> None:
    a = analyze("县民政局有人和柳河镇王家沟村干部串通冒领低保", second)
    assert (a.level, a.route_to) == ("county", "620899")


def test_elevated_village_goes_to_county(demo: RegistryIndex, second: RegistryIndex) -> None:
    a = analyze("南坝镇石桥村的会计冒领了五保户的补贴", demo)
    assert a.village == "610798101202" and a.route_to == "610798" and a.route_rule == 3
    b = analyze("李家坪村的支书把集体鱼塘的承包费装进自己口袋", second)
    assert b.route_to == "620899" and b.route_rule == 3


def test_complaining_to_the_township_does_not_make_it_the_accused(demo: RegistryIndex) -> None:
    a = analyze("胡家庄村的会计克扣低保金，我找过镇上，镇里不管", demo)
    assert a.level == "village" and a.route_to == "610798101"


def test_reporter_excluding_township_goes_to_county(demo: RegistryIndex) -> None:
    a = analyze("胡家庄村的村主任冒领养老金，不要转给镇上", demo)
    assert a.exclude_township and a.route_to == "610798" and a.route_rule == 6


def test_other_is_not_routed(demo: RegistryIndex) -> None:
    a = analyze("邻居家的狗天天叫，晚上吵得睡不着觉", demo)
    assert a.category == "other" and a.route_to == "" and a.route_rule == 1


def test_route_function_rules_in_order(demo: RegistryIndex) -> None:
    assert route("other", "610798101", "", "village", demo).rule == 1
    assert route("favoritism", "610798101", "", "village", demo, exclude_township=True).rule == 6
    assert route("favoritism", "610798101", "", "county", demo).route_to == "610798"
    assert route("favoritism", "", "", "unknown", demo, asked_already=False).ask_place
    assert not route("favoritism", "", "", "unknown", demo).ask_place
    assert route("favoritism", "610798201", "", "unknown", demo).route_to == "610798201"
