"""The accusation gate in the chat: a tip that names an accused is asked about, never referred away;
greetings, thanks and policy questions get an answer and no case; pinyin is asked for in characters."""
from __future__ import annotations

from handlers import report_texts as T
from nlp import classify_category, engine
from nlp.category import score
from nlp.text import normalize
from storage.models import Case
from tests.handlers.conftest import Villager, confirmed

# A cadre named with what he did, in words the model alone reads as a neighbours' dispute.
LEANS_OTHER = "邻居是村会计,他家的树倒了压坏了我家的房子,他不给修"


def _model_alone(text: str) -> str:
    eng = engine.get()
    return score(eng.segmenter.cut(normalize(text)), eng.segmenter.places, eng.model, eng.keywords).category


async def test_tip_leaning_to_other_with_an_accused_is_asked_about_not_referred(villager: Villager) -> None:
    assert _model_alone(LEANS_OTHER) == "other"  # the case this test guards: the model alone would turn it away
    await villager.one("举报")
    await villager.one(LEANS_OTHER)
    asked = await villager.one("好了")
    assert asked == T.ask_category() and "12345" not in asked
    assert await Case.all().count() == 0  # nothing filed as out of scope
    assert await villager.one("10") == T.ASK_PLACE  # the text names no village: asked once, after the category
    confirm = await villager.one("南坝镇胡家庄村")
    assert confirm.startswith("您反映的是南坝镇胡家庄村的干部其他违纪违法问题")
    await confirmed(villager)
    await villager.one("2")
    case = await Case.get()
    assert case.category == "misconduct_other" and case.route_to == "610798101"


async def test_policy_question_gets_an_answer_not_a_case_number(villager: Villager) -> None:
    answer = await villager.one("请问低保怎么申请?需要准备什么材料?")
    assert answer == T.POLICY_ANSWER and "QF" not in answer and "回执码" not in answer
    await villager.one("举报")
    await villager.one("想问一下今年耕地地力保护补贴每亩多少钱,什么时候发?")
    answer = await villager.one("好了")
    assert answer == T.POLICY_ANSWER and "回执码" not in answer
    assert await Case.all().count() == 0  # not even an out-of-scope record


async def test_greeting_and_thanks_are_answered(villager: Villager) -> None:
    assert await villager.one("你好") == T.GREETING_ANSWER
    assert await villager.one("谢谢你们,辛苦了") == T.THANKS_ANSWER
    assert await Case.all().count() == 0


async def test_pinyin_only_message_is_asked_in_characters(villager: Villager) -> None:
    assert await villager.one("cun zhang ba wo jia de di bao qian kou le") == T.PINYIN
    assert await Case.all().count() == 0


def test_the_gate_keeps_an_accused_tip_in_scope() -> None:
    r = classify_category(LEANS_OTHER)
    assert r.category != "other"
