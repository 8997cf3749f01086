"""我没收到 / 金额不对 from the mini-program: the chat's filing, reached by a one-use token from the lookup."""
from __future__ import annotations

from typing import Any

from bot.fake_wechat import fake_openid
from storage.models import Case, ReporterIdentity, SubsidyRecord
from tests.bot.api.conftest import MiniProgram
from tests.handlers.conftest import all_redis, all_rows
from tests.handlers.subsidies.conftest import HU, _delete_subsidy_rows_after, imported  # noqa: F401

LOOKUP, DISPUTE = "/api/v1/subsidies/lookup", "/api/v1/subsidies/dispute"


async def tokens(user: MiniProgram) -> dict[str, str]:
    r = await user.post(LOOKUP, {"id_number": HU.id_number, "name": HU.name})
    assert r.status == 200
    return {x["program"]: x["dispute_token"] for x in r.body["records"]}


async def test_dispute_files_the_record_with_what_was_received(imported: Any, user: MiniProgram,
                                                               sensitive_log: Any) -> None:
    token = (await tokens(user))["农村低保"]
    r = await user.post(DISPUTE, {"token": token, "kind": "wrong_amount", "anonymous": False, "received": "1200"})
    assert r.status == 200 and r.body["office"] == "南坝镇纪委" and len(r.body["receipt"].replace(" ", "")) == 16
    case = await Case.get(number=r.body["case_number"])
    record = await SubsidyRecord.get(program="农村低保")
    assert case.category == "subsidy_fraud" and case.channel == "miniapp" and not case.anonymous
    assert case.source_ref == {"subsidy_record": record.id, "dispute": "wrong_amount", "received": "1200.00元"}
    assert "农村低保(2026年)" in case.text and "实际收到:1200.00元" in case.text
    assert await ReporterIdentity.filter(case=case).exists()
    again = await user.post(DISPUTE, {"token": token, "kind": "wrong_amount", "anonymous": False})
    assert (again.status, again.code) == (404, "dispute_token_invalid")  # one use
    stored = "\n".join(await all_rows()) + repr(await all_redis(imported))
    assert HU.id_number not in stored and HU.name not in case.text and fake_openid(user.code) not in stored
    assert HU.id_number not in sensitive_log.text and HU.name not in sensitive_log.text


async def test_anonymous_dispute_keeps_no_identity(imported: Any, user: MiniProgram) -> None:
    token = (await tokens(user))["危房改造补助"]
    r = await user.post(DISPUTE, {"token": token, "kind": "not_received", "anonymous": True})
    assert r.status == 200 and r.body["anonymous"] is True
    case = await Case.get(number=r.body["case_number"])
    assert case.anonymous and not await ReporterIdentity.filter(case=case).exists()


async def test_a_token_works_only_for_the_account_that_looked_up(imported: Any, user: MiniProgram,
                                                                 make_user: Any) -> None:
    token = (await tokens(user))["农村低保"]
    other = make_user()
    await other.login()
    r = await other.post(DISPUTE, {"token": token, "kind": "not_received", "anonymous": True})
    assert (r.status, r.code) == (404, "dispute_token_invalid")
    r = await user.post(DISPUTE, {"token": token, "kind": "not_received", "anonymous": True, "received": "很多"})
    assert (r.status, r.code) == (422, "invalid_amount")
    assert await Case.all().count() == 0


async def test_dispute_is_in_the_openapi_document(user: MiniProgram) -> None:
    doc = (await user.get("/api/v1/openapi.json", auth=False)).body
    op = doc["paths"]["/api/v1/subsidies/dispute"]["post"]
    assert "dispute_token_invalid" in str(op) and "dispute_token" in str(doc["components"])
