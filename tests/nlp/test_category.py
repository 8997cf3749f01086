"""Categories on real sentences, odd inputs, and the readable reason."""
from __future__ import annotations

from nlp import CATEGORY_IDS, RegistryIndex, analyze, classify_category
from nlp.text import MAX_CHARS


def test_typical_reports_get_their_category() -> None:
    cases = {
        "村支书把我家的低保名额给了他小舅子": "favoritism",
        "修的水泥路一年就烂了，偷工减料": "project_bidding",
        "村主任开个证明要收两百块好处费": "bribery_extortion",
        "村干部天天拿公款在饭店大吃大喝": "eight_rules",
        "征地补偿款被村里扣了一半": "land_compensation",
        "村里的账从来不公开，公示栏好几年没更新": "disclosure",
    }
    for text, cat in cases.items():
        assert classify_category(text).category == cat, text


def test_keywords_explain_the_decision() -> None:
    r = classify_category("村会计虚报冒领高龄补贴")
    assert r.category == "subsidy_fraud" and "虚报冒领" in r.keywords
    assert 0 < r.confidence <= 1


def test_empty_and_whitespace_text_is_other(demo: RegistryIndex) -> None:
    for text in ("", "   ", "\n"):
        a = analyze(text, demo)
        assert a.category == "other" and a.route_to == ""


def test_mixed_script_pinyin_digits_emoji(demo: RegistryIndex) -> None:
    a = analyze("胡家庄村的cun zhishu把我家低保钱扣了３００元😡😡", demo)
    assert a.category == "subsidy_fraud" and a.village == "610798101201"
    assert analyze("😡😡😡👍", demo).category in CATEGORY_IDS


def test_very_long_text_is_read_only_up_to_the_cap(demo: RegistryIndex) -> None:
    """A 200,000-character message costs what its first MAX_CHARS cost (time is the benchmark's business):
    what lies past the cap changes nothing, and the tip at its head still decides."""
    head = "南坝镇胡家庄村的村支书虚报冒领低保金，" + "我们全村人都很气愤，" * (MAX_CHARS // 10)
    a = analyze(head + "我们全村人都很气愤，" * 20000, demo)
    b = analyze(head + "县长受贿" * 20000, demo)
    assert a.category == b.category == "subsidy_fraud" and a.route_to == b.route_to == "610798101"
    assert a.tokens == b.tokens and len("".join(a.tokens)) <= MAX_CHARS
