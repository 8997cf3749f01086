"""No notification names a case outside the recipient's scope (issue 20 item 9): a township's new tip is
never "与 QF… 相似,已关联" with the county case its reporter wanted kept away from the township."""
from __future__ import annotations

from storage.models import Case, CaseEvent
from tests.handlers.cases.conftest import World

AVOIDED = "南坝镇副镇长把胡家庄村会计扣的低保钱拿走了,镇上和他是一伙的"
LATER = "南坝镇副镇长把胡家庄村会计扣的低保钱拿走了,镇上和他们是一伙的"  # read as a village matter


async def test_township_tip_never_names_a_county_case_it_resembles(world: World) -> None:
    county_case = await world.file(AVOIDED, level="township")
    assert county_case.office != county_case.township_id  # avoidance: the county handles it
    township_case = await world.file(LATER)
    assert township_case.office == township_case.township_id
    await world.deliver()
    for text in world.texts_to("nanba") + world.texts_to("monitor"):
        assert county_case.number not in text
    # nor does the township case's timeline (the panel shows it to the township's staff)
    for e in await CaseEvent.filter(case_id=township_case.id):
        assert county_case.number not in (e.reason or "") + repr(e.data)
    assert (await Case.get(id=township_case.id)).linked_to_id != county_case.id
