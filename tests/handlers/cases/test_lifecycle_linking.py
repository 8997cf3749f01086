"""Similar reports of the same village and category join the open case; its priority rises with the count."""
from __future__ import annotations

from bot.fake_wechat import fake_openid
from handlers.cases import actions
from handlers.cases.linking import cluster
from storage.models import Case, CaseEvent
from tests.handlers.cases.conftest import DONGLING, DONGLING_V, World

FIRST = "胡家庄村会计王某把我家的低保钱扣了一半,说是管理费"
SAME = "胡家庄村的会计扣了我们家低保钱的一半,说要交管理费"
AGAIN = "我家低保也被胡家庄村会计扣了一半当管理费"
DIFFERENT = "胡家庄村修路工程偷工减料,水泥路一年就坏了"


async def test_similar_reports_link_to_the_first_and_raise_its_priority(world: World) -> None:
    root = await world.file(FIRST)
    second = await world.file(SAME, reporter=fake_openid("villager-li"))
    third = await world.file(AGAIN, reporter=fake_openid("villager-zhao"), anonymous=True)
    fresh_root = await Case.get(id=root.id)
    assert second.linked_to_id == root.id and third.linked_to_id == root.id
    assert fresh_root.priority == 2 and third.priority == 2
    assert [c.id for c in await cluster(third.id)] == [root.id, second.id, third.id]
    events = await CaseEvent.filter(case_id=root.id, kind="linked").order_by("id")
    assert [e.data["case"] for e in events] == [second.number, third.number]
    await world.deliver()
    tips = world.texts_to("nanba")
    [third_tip] = [t for t in tips if third.number in t]
    # nanba is bound in the official account: a template message, whose text keys hold 20 characters
    assert len(tips) == 3 and f"与{root.number}相似,共3件" in third_tip


async def test_no_link_across_category_village_text_or_closed_cases(world: World) -> None:
    root = await world.file(FIRST)
    other_text = await world.file(DIFFERENT, category="subsidy_fraud")
    # another row and another act (favouritism, not a deduction) about the same accountant and fund
    other_cat = await world.file("胡家庄村会计把低保名额给了他自己的亲戚", category="favoritism",
                                 reporter=fake_openid("villager-li"))
    other_village = await world.file(SAME, township=DONGLING, village=DONGLING_V, reporter=fake_openid("villager-li"))
    anon_no_place = await world.file(SAME, township="", village="", reporter=fake_openid("villager-li"))
    for c in (other_text, other_cat, other_village, anon_no_place):
        assert c.linked_to_id is None, c.text
    assert (await Case.get(id=root.id)).priority == 0
    await actions.reject(root.id, actor_staff=world.staff["nanba"], reason="重复", services=world.services)
    later = await world.file(SAME, reporter=fake_openid("villager-li"))
    assert later.linked_to_id is None, "a closed case gathers no new reports"


async def test_one_matter_filed_under_two_rows_is_linked(world: World) -> None:
    """The classifier may file a retelling under the other fitting row: the same accountant, fund and act still meet."""
    root = await world.file(FIRST, category="subsidy_fraud")
    other_row = await world.file(SAME, category="collective_assets", reporter=fake_openid("villager-li"))
    assert other_row.linked_to_id == root.id and (await Case.get(id=root.id)).priority == 1
