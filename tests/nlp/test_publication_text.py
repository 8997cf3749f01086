"""Which listed power a question asks about, and which village a reply names (nlp.publication, pure)."""
from __future__ import annotations

from nlp import RegistryIndex
from nlp.publication import PowerEntry, PowerIndex, find_village, match_power_question
from tests.conftest import REGISTRY_EXAMPLE

INDEX = PowerIndex.build([PowerEntry("P03", "低保申请", ("低保", "最低生活保障")),
                          PowerEntry("P06", "农村宅基地审批", ("宅基地", "建房审批")),
                          PowerEntry("P99", "审批", ())])


def test_questions_match_the_longest_word() -> None:
    assert match_power_question("低保怎么申请", INDEX).code == "P03"
    assert match_power_question("宅基地审批要多久？", INDEX).code == "P06"
    assert match_power_question("申请最低生活保障需要什么材料", INDEX).code == "P03"


def test_reports_and_statements_are_not_questions() -> None:
    for text in ("村支书把我家低保扣了怎么办", "我想举报低保的事怎么弄", "低保", "今天去办了低保",
                 "低保" + "很长的一段话" * 20 + "怎么办"):
        assert match_power_question(text, INDEX) is None, text


def test_a_shared_village_name_needs_its_township() -> None:
    reg = RegistryIndex.from_file(REGISTRY_EXAMPLE)
    assert find_village("胡家庄", reg).code == "610798101201"
    assert find_village("石桥村", reg).ambiguous
    assert find_village("东岭镇石桥村", reg).code == "610798102202"
    assert find_village("不知道", reg).code == ""
