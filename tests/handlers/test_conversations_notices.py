"""A notice that asks a question (办结: 请您评价) makes its answer work, whatever flow the villager was in."""
from __future__ import annotations

from typing import Any

from handlers import rating as R
from handlers.cases.delivery import deliver_due
from handlers.subsidies import texts as ST
from storage.models import Case, Status
from tests.handlers.conftest import Villager, all_redis
from tests.handlers.subsidies.conftest import HU, _delete_subsidy_rows_after, imported  # noqa: F401 (fixtures)
from tests.handlers.test_conversations_followup import file_real_name, resolve


async def file_second_real_name(v: Villager) -> None:
    """Another matter (the same words again would be the first filing shown again)."""
    # 1 对, the category's two questions skipped, 1 实名, no name
    for line in ("举报", "胡家庄村的会计把集体鱼塘的承包费揣进了自己腰包", "好了", "1", "跳过", "跳过", "1", "跳过"):
        await v.one(line)
    assert "案件编号" in await v.one("跳过")


def notices_to(fake_wechat: Any, openid: str, start: int) -> list[str]:
    return [r.body["text"]["content"] for r in fake_wechat.records[start:]
            if r.body.get("touser") == openid and "text" in r.body]


async def test_rating_reply_after_subsidy_lookup_is_not_swallowed(imported: Any, villager: Villager,
                                                                   fake_wechat: Any) -> None:
    await file_real_name(villager)
    case = await Case.get()
    await villager.one("查补贴")
    assert "共3条" in await villager.one(f"{HU.id_number} {HU.name}")
    start = len(fake_wechat.records)
    await resolve(case, imported)
    await deliver_due(imported)
    [*_, notice] = notices_to(fake_wechat, villager.openid, start)
    assert "已办结" in notice and "回复1" in notice
    assert await villager.one("满意") == R.THANKS
    await case.refresh_from_db()
    assert case.status == Status.RATED and case.rating == "satisfied"
    # the subsidy list the villager had open still answers (nothing more was asked)
    assert await villager.one("我没收到 9") == ST.NO_SUCH_NUMBER.format(no=9)
    assert all(HU.id_number.encode() not in v and str(case.id).encode() + b"\"" not in v
               for v in await all_redis(imported))


async def test_rating_by_digit_after_subsidy_lookup(imported: Any, villager: Villager) -> None:
    await file_real_name(villager)
    case = await Case.get()
    await villager.one("查补贴")
    await villager.one(f"{HU.id_number} {HU.name}")
    await resolve(case, imported)
    await deliver_due(imported)
    assert await villager.one("2") == R.ASK_REASON
    assert await villager.one("钱没退回来") == R.REOPENED
    await case.refresh_from_db()
    assert case.rating == "unsatisfied" and case.rating_reason == "钱没退回来"


async def test_two_cases_to_rate_are_answered_by_number_from_a_list(imported: Any, villager: Villager) -> None:
    await file_real_name(villager)
    await file_second_real_name(villager)
    first, second = await Case.all().order_by("id")
    await villager.one("查补贴")
    await resolve(first, imported)
    await resolve(second, imported)
    await deliver_due(imported)
    listing = await villager.one("满意")
    assert "查询进度" not in listing and first.number in listing and second.number in listing
    assert listing.index(first.number) < listing.index(second.number) and "\n2. " in listing
    assert await villager.one("2") == R.THANKS
    await second.refresh_from_db()
    await first.refresh_from_db()
    assert second.rating == "satisfied" and first.status == Status.RESOLVED
    # one left: a bare 1 rates it
    assert await villager.one("1") == R.THANKS
    assert (await Case.get(id=first.id)).rating == "satisfied"


async def test_a_flow_started_after_the_notice_keeps_its_own_answers(villager: Villager, services: Any) -> None:
    await file_real_name(villager)
    case = await Case.get()
    await resolve(case, services)
    await deliver_due(services)
    await villager.one("举报")
    await villager.one("胡家庄村的会计把集体鱼塘的承包费揣进了自己腰包")
    confirm = await villager.one("好了")
    assert "对吗" in confirm
    assert "集体资产" in await villager.one("1")  # the report's 1 (对): its category's first question, not a rating
    assert (await Case.get(id=case.id)).status == Status.RESOLVED


async def test_rating_reply_after_a_lookup_made_once_the_notice_had_come(imported: Any, villager: Villager) -> None:
    await file_real_name(villager)
    case = await Case.get()
    await resolve(case, imported)
    await deliver_due(imported)
    await villager.one("查补贴")
    assert "共3条" in await villager.one(f"{HU.id_number} {HU.name}")  # the list asks for nothing in particular
    assert await villager.one("1") == R.THANKS
    assert (await Case.get(id=case.id)).rating == "satisfied"
