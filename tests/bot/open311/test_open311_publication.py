"""What Open311 publishes (issue 20 item 9): status without anything that identifies, dates without times,
no office for a case routed away from its township, nothing of `other`; and nothing at all unless enabled."""
from __future__ import annotations

import dataclasses
import re
from typing import Any

from aiohttp.test_utils import TestServer

from bot.fake_wechat import fake_openid
from handlers.cases.transitions import transition
from nlp import CATEGORY_IDS
from storage.models import Case, Status
from tests.bot.api.conftest import DONGLING_SHIQIAO, HUJIAZHUANG, MiniProgram

SECRET_TEXT = "我叫王小明,电话13800138000,胡家庄村支书张大山扣了我家低保"
AVOIDANCE_TEXT = "南坝镇副镇长李某把胡家庄村的危房改造补助截留了,不要转给镇上,镇上和他是一伙的"
DAY_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}T00:00:00\+08:00$")


async def _three_cases(user: MiniProgram, services: Any) -> tuple[str, str, str]:
    a = (await user.report(SECRET_TEXT, village=HUJIAZHUANG, anonymous=False, name="王小明",
                           phone="13800138000")).body["case_number"]
    b = (await user.report("石桥村主任把低保名额给了亲戚", village=DONGLING_SHIQIAO, category="favoritism")).body
    c = (await user.report("邻居家的狗天天叫吵得睡不着", category="other")).body["case_number"]
    case_b = await Case.get(number=b["case_number"])
    await transition(case_b.id, Status.REJECTED, actor="staff:1", reason="经查王小明反映不实", services=services)
    return a, b["case_number"], c


async def test_open311_is_off_unless_enabled(services: Any, http: Any) -> None:
    from bot.app import create_app
    from bot.config import Settings

    assert Settings().open311 is False  # the default
    off = dataclasses.replace(services, settings=services.settings.with_(open311=False))
    server = TestServer(await create_app(off.settings, off))
    await server.start_server()
    try:
        base = str(server.make_url("")).rstrip("/")
        for path in ("/open311/v2/services.json", "/open311/v2/requests.json", "/open311/v2/discovery.xml"):
            async with http.get(base + path) as r:
                assert r.status == 404, path
        async with http.get(base + "/api/v1/openapi.json") as r:
            assert not [p for p in (await r.json())["paths"] if p.startswith("/open311")]
    finally:
        await server.close()


async def test_services_are_the_categories_in_remit(make_user: Any) -> None:
    r = await make_user().get("/open311/v2/services.json")
    assert r.status == 200 and len(r.body) == len(CATEGORY_IDS) - 1 == 10  # every category but other
    codes = {s["service_code"] for s in r.body}
    assert "misconduct_other" in codes
    assert "subsidy_fraud" in codes and "other" not in codes
    assert all(s["service_name"] and s["description"] for s in r.body)


async def test_requests_show_status_without_anything_that_identifies(user: MiniProgram, services: Any) -> None:
    a, b, other = await _three_cases(user, services)
    r = await user.get("/open311/v2/requests.json", auth=False)
    assert r.status == 200
    by_id = {x["service_request_id"]: x for x in r.body}
    assert set(by_id) == {a, b}  # the out-of-remit case is not published
    assert by_id[a]["status"] == "open" and by_id[a]["address"] == "南坝镇胡家庄村"
    assert by_id[a]["agency_responsible"] == "南坝镇纪委" and by_id[a]["service_code"] == "subsidy_fraud"
    assert by_id[b]["status"] == "closed" and by_id[b]["status_notes"] == "经审查不予受理"
    dump = repr(r.body)
    for secret in ("王小明", "13800138000", "张大山", "低保", "不实", fake_openid(user.code)):
        assert secret not in dump


async def test_open311_publishes_days_not_times_and_no_office_for_a_case_routed_away(user: MiniProgram,
                                                                                     services: Any) -> None:
    own = (await user.report("胡家庄村会计把低保款扣下不发", village=HUJIAZHUANG)).body["case_number"]
    away = (await user.report(AVOIDANCE_TEXT, village=HUJIAZHUANG, ignore_similar=True)).body["case_number"]
    routed = await Case.get(number=away)
    assert routed.office != routed.township_id  # the premise: the county handles it, avoiding the township
    for fmt in ("json", "xml"):
        r = await user.get(f"/open311/v2/requests.{fmt}", auth=False)
        assert r.status == 200
        text = r.body if isinstance(r.body, str) else repr(r.body)
        assert "县纪委" not in text, text
        assert "南坝镇纪委" in text  # the own-township case keeps its office
        assert re.search(r"\d{2}:\d{2}:\d{2}\.\d", text) is None  # no fractions of a second anywhere
    rows = {x["service_request_id"]: x for x in (await user.get("/open311/v2/requests.json")).body}
    assert rows[away]["agency_responsible"] == "" and rows[own]["agency_responsible"] == "南坝镇纪委"
    for row in rows.values():
        assert DAY_ONLY.match(row["requested_datetime"]) and DAY_ONLY.match(row["updated_datetime"])
    one = (await user.get(f"/open311/v2/requests/{away}.json")).body
    assert one[0]["agency_responsible"] == ""
