"""Linking by matter (issue 17): staff see two villagers' reports of one matter together; one person's reports,
however alike, never make a 意见集中 cluster by themselves."""
from __future__ import annotations

import html
from typing import Any

from handlers.cases.linking import cluster
from storage.models import Case, CaseEvent
from tests.admin.conftest import signed_in
from tests.handlers.conftest import Villager, make_villager  # noqa: F401  (the chat fixture, used below)
from tests.handlers.test_conversations_report import file_anonymous

# The case: the same accountant, the same 低保 favouritism, the same village, told in other words
# (under a third of their character pairs in common: today's measure did not link them).
FIRST = "胡家庄村会计王某把低保名额给了他小舅子一家,他们家有车有房,我们真困难的却评不上"
RETOLD = "胡家庄村的王会计搞优亲厚友,评最低生活保障只看关系,他家亲戚全评上了"
OTHER_MATTER = "胡家庄村会计王某把我家的危房改造补助扣了八千块,说是给镇上打点用的"


async def _case_page(panel: Any, case: Case) -> str:
    status, body = await panel.get(f"/admin/cases/{case.id}")
    assert status == 200
    return html.unescape(body)


async def test_two_villagers_chat_reports_of_one_matter_are_linked_for_staff(
        make_villager: Any, accounts: Any, panel_factory: Any, services: Any, sensitive_log: Any) -> None:
    first, second = make_villager(), make_villager()
    await file_anonymous(first, FIRST)
    await file_anonymous(second, RETOLD)
    root, linked = await Case.all().order_by("id")
    assert linked.linked_to_id == root.id
    assert (await Case.get(id=root.id)).priority == 1
    assert [c.id for c in await cluster(linked.id)] == [root.id, linked.id]
    staff = await signed_in(panel_factory, services, "nanba_staff")
    page = await _case_page(staff, root)
    assert linked.number in page.split("相似举报", 1)[1]  # the cluster, listed on the root's page
    assert f"相似反映 {linked.number} 已关联,共 2 件" in page and "同一被反映人" in page
    assert root.number in (await _case_page(staff, linked)).split("相似举报", 1)[1]
    # the accused's name is compared as a digest: it is in no event, and no log line
    for e in await CaseEvent.filter(kind="linked"):
        assert "王" not in e.reason + repr(e.data)
    assert first.openid not in sensitive_log.text and second.openid not in sensitive_log.text


async def test_one_villagers_reports_never_cluster_by_themselves(make_villager: Any, services: Any) -> None:
    """The same person telling the same matter twice (匿名 both times) is one voice, not 意见集中."""
    villager: Villager = make_villager()
    await file_anonymous(villager, FIRST)
    await file_anonymous(villager, FIRST + "。请领导查一查")  # near-identical: today's measure linked it
    await file_anonymous(villager, RETOLD)
    cases = await Case.all().order_by("id")
    assert len(cases) == 3 and all(c.linked_to_id is None and c.priority == 0 for c in cases)
    # another villager's retelling still joins the first report: now two people say it
    await file_anonymous(make_villager(), FIRST.replace("我们真困难的", "真正困难的人家"))
    newest = await Case.all().order_by("-id").first()
    assert newest is not None and newest.linked_to_id == cases[0].id
    assert (await Case.get(id=cases[0].id)).priority == 1


async def test_same_accused_other_matter_is_not_linked(make_villager: Any, services: Any) -> None:
    await file_anonymous(make_villager(), FIRST)
    await file_anonymous(make_villager(), OTHER_MATTER)
    assert await Case.filter(linked_to_id__not_isnull=True).count() == 0
