"""The linking benchmark's labelled pairs load, cover every kind the issue names, and name known villages;
same_matter reads meaning (synonyms, traditional characters, posts, rare words shared) and keeps no accused's name."""
from __future__ import annotations

import json
from collections import Counter

from nlp import matter, same_matter
from nlp.linking_pairs import (DEV_PATH, HELDOUT2_PATH, HELDOUT3_PATH, HELDOUT4_PATH, HELDOUT5_PATH, HELDOUT_PATH, KINDS,
                               load_pairs)
from nlp.matter import salience


def test_benchmark_pairs_load_and_cover_every_kind() -> None:
    dev, held = load_pairs(DEV_PATH), load_pairs(HELDOUT_PATH) + load_pairs(HELDOUT2_PATH) + load_pairs(HELDOUT3_PATH) \
        + load_pairs(HELDOUT4_PATH) + load_pairs(HELDOUT5_PATH)
    assert len(dev) >= 200 and len(held) >= 200
    kinds = Counter(p.kind for p in dev)
    assert set(kinds) == set(KINDS), kinds
    assert {p.same for p in dev} == {True, False} and {p.same for p in held} == {True, False}
    registry = json.loads((DEV_PATH.parent / "registry_demo.json").read_text(encoding="utf-8"))
    villages = {v["code"] for t in registry["townships"] for v in t["villages"]}
    assert {r.village for p in dev + held for r in (p.a, p.b)} <= villages
    assert len({p.id for p in dev + held}) == len(dev) + len(held)


def test_synonyms_and_traditional_characters_read_as_one_matter() -> None:
    a = matter("胡家庄村会计把低保名额给了他小舅子", "favoritism")
    b = matter("胡家莊會計優親厚友,最低生活保障都給了親戚", "favoritism")
    m = same_matter(a, b)
    assert m.same and "低保" in m.reason


def test_other_post_or_other_fund_is_another_matter() -> None:
    base = matter("会计把我家低保扣了一半", "subsidy_fraud")
    assert not same_matter(base, matter("支书把我家低保扣了一半", "subsidy_fraud")).same
    assert not same_matter(base, matter("会计把我家危房改造款扣了一半", "subsidy_fraud")).same
    assert not same_matter(matter("会计王某扣了低保", "subsidy_fraud"), matter("会计李某扣了低保", "subsidy_fraud")).same


def test_the_accused_name_is_kept_only_as_a_digest() -> None:
    m = matter("村会计王建国把低保给了亲戚", "favoritism")
    assert m.names and "王" not in repr(m) and "建国" not in repr(m)
    assert same_matter(m, matter("王会计把低保给了他家亲戚", "favoritism")).same


def test_a_matter_the_concept_table_lacks_meets_on_the_rare_words_both_say() -> None:
    a = matter("会计把村里竹林卖竹笋的收入私下分了", "collective_assets")
    b = matter("卖竹笋的钱会计没入账,自己分掉了", "collective_assets")
    assert same_matter(a, b).same


def test_the_same_fund_with_another_act_or_only_common_words_is_another_matter() -> None:
    deduction = matter("会计把我家的低保钱扣了一半", "subsidy_fraud")
    assert not same_matter(deduction, matter("会计把低保名额给了他自己的亲戚", "favoritism")).same
    books = matter("会计把村里的账本锁起来不让看", "collective_assets")
    assert not same_matter(books, matter("会计报的差旅费比去的地方还多", "collective_assets")).same


def test_rare_words_weigh_more_than_common_ones() -> None:
    pairs, _ = salience()
    assert pairs.weight("竹笋") > pairs.weight("补贴") > pairs.weight("村里")


def test_reports_filed_under_two_categories_meet_only_when_they_name_the_same_accused() -> None:
    unnamed = matter("村里竹林卖竹笋的收入被私下分了", "collective_assets")
    assert same_matter(unnamed, matter("卖竹笋的钱没入账,被人分掉了", "collective_assets")).same
    apart = same_matter(unnamed, matter("卖竹笋的钱没入账,被人分掉了", "eight_rules"))
    assert not apart.same and "类别不同" in apart.reason, "SPEC: linked reports share a category"
    assert same_matter(matter("会计把村里竹林卖竹笋的收入私下分了", "collective_assets"),
                       matter("卖竹笋的钱会计没入账,自己分掉了", "eight_rules")).same, "the same accused: one matter"
