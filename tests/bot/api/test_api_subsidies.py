"""惠民资金查询 from the mini-program: masked records, the chat's limits and audit, nothing leaked."""
from __future__ import annotations

from typing import Any

from bot.fake_wechat import fake_openid
from storage.models import SubsidyLookup
from tests.bot.api.conftest import MiniProgram
from tests.handlers.conftest import all_redis, all_rows
from tests.handlers.subsidies.conftest import HU, STRANGER, _delete_subsidy_rows_after, imported  # noqa: F401

LOOKUP = "/api/v1/subsidies/lookup"


async def test_own_records_masked_with_yearly_totals_and_audited(imported: Any, user: MiniProgram,
                                                                 sensitive_log: Any) -> None:
    r = await user.post(LOOKUP, {"id_number": HU.id_number, "name": HU.name})
    assert r.status == 200 and r.body["outcome"] == "found"
    assert [(x["program"], x["amount"], x["paid_on"]) for x in r.body["records"]] == [
        ("耕地地力保护补贴", "842.50", "2026-05-20"), ("农村低保", "1560.00", "2026-03-15"),
        ("危房改造补助", "20000.00", "2025-11-30")]
    assert r.body["totals"] == [{"year": 2026, "amount": "2402.50"}, {"year": 2025, "amount": "20000.00"}]
    assert HU.id_number not in repr(r.body) and HU.name not in repr(r.body)
    assert r.body["id_number"][:3] == HU.id_number[:3] and "*" in r.body["id_number"]
    entry = await SubsidyLookup.get()
    assert entry.channel == "miniapp" and entry.records == 3
    openid = fake_openid(user.code)
    assert openid not in entry.actor
    stored = "\n".join(await all_rows()) + repr(await all_redis(imported))
    for secret in (HU.id_number, HU.name, openid):
        assert secret not in sensitive_log.text
    assert HU.id_number not in stored and openid not in stored


async def test_unknown_id_and_wrong_name_answer_the_same(imported: Any, user: MiniProgram) -> None:
    stranger = await user.post(LOOKUP, {"id_number": STRANGER.id_number, "name": STRANGER.name})
    wrong_name = await user.post(LOOKUP, {"id_number": HU.id_number, "name": "胡小山"})
    assert stranger.status == wrong_name.status == 200
    assert stranger.body == wrong_name.body and stranger.body["outcome"] == "none" and stranger.body["records"] == []
    assert await SubsidyLookup.all().count() == 2  # both audited


async def test_invalid_id_or_name_is_422(imported: Any, user: MiniProgram) -> None:
    bad_checksum = HU.id_number[:-1] + ("0" if HU.id_number[-1] != "0" else "1")
    r = await user.post(LOOKUP, {"id_number": bad_checksum, "name": HU.name})
    assert (r.status, r.code) == (422, "invalid_id_number")
    r = await user.post(LOOKUP, {"id_number": HU.id_number, "name": "x1"})
    assert (r.status, r.code) == (422, "invalid_name")
    r = await user.post(LOOKUP, {"id_number": HU.id_number})
    assert (r.status, r.code) == (422, "invalid_request")


async def test_failed_tries_are_limited_per_account_not_per_session(imported: Any, make_user: Any,
                                                                    api_config: Any) -> None:
    api_config.subsidy_per_minute = 100  # the lookup's own limit is what this test is about
    u = make_user()
    await u.login()
    outcomes = [(await u.post(LOOKUP, {"id_number": STRANGER.id_number, "name": STRANGER.name})).status
                for _ in range(6)]
    assert outcomes == [200] * 5 + [429]
    await u.login()  # a new session of the same WeChat account
    r = await u.post(LOOKUP, {"id_number": HU.id_number, "name": HU.name})
    assert (r.status, r.code) == (429, "rate_limited") and "分钟" in r.body["error"]["message"]
    assert int(r.headers["Retry-After"]) >= 60
    other = make_user()
    await other.login()
    assert (await other.post(LOOKUP, {"id_number": HU.id_number, "name": HU.name})).body["outcome"] == "found"


async def test_lookup_needs_a_session(imported: Any, make_user: Any) -> None:
    r = await make_user().post(LOOKUP, {"id_number": HU.id_number, "name": HU.name})
    assert (r.status, r.code) == (401, "unauthorized")
