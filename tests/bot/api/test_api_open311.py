"""Open311 GeoReport v2: published, de-identified case status for outside dashboards."""
from __future__ import annotations

from typing import Any

from bot.fake_wechat import fake_openid
from handlers.cases.transitions import transition
from storage.models import Case, Status
from tests.bot.api.conftest import DONGLING_SHIQIAO, HUJIAZHUANG, MiniProgram

SECRET_TEXT = "我叫王小明,电话13800138000,胡家庄村支书张大山扣了我家低保"


async def _three_cases(user: MiniProgram, services: Any) -> tuple[str, str, str]:
    a = (await user.report(SECRET_TEXT, village=HUJIAZHUANG, anonymous=False, name="王小明",
                           phone="13800138000")).body["case_number"]
    b = (await user.report("石桥村主任把低保名额给了亲戚", village=DONGLING_SHIQIAO, category="favoritism")).body
    c = (await user.report("邻居家的狗天天叫吵得睡不着", category="other")).body["case_number"]
    case_b = await Case.get(number=b["case_number"])
    await transition(case_b.id, Status.REJECTED, actor="staff:1", reason="经查王小明反映不实", services=services)
    return a, b["case_number"], c


async def test_services_are_the_categories_in_remit(make_user: Any) -> None:
    r = await make_user().get("/open311/v2/services.json")
    from nlp import CATEGORY_IDS

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


async def test_requests_filter_by_status_and_service(user: MiniProgram, services: Any) -> None:
    a, b, _ = await _three_cases(user, services)
    ids = lambda r: [x["service_request_id"] for x in r.body]  # noqa: E731
    assert ids(await user.get("/open311/v2/requests.json?status=open")) == [a]
    assert ids(await user.get("/open311/v2/requests.json?status=closed")) == [b]
    assert ids(await user.get("/open311/v2/requests.json?service_code=favoritism")) == [b]
    assert ids(await user.get("/open311/v2/requests.json?start_date=2099-01-01T00:00:00Z")) == []
    assert ids(await user.get("/open311/v2/requests.json?page_size=1&page=2")) == [a]  # newest first


async def test_one_request_by_number(user: MiniProgram, services: Any) -> None:
    a, _, other = await _three_cases(user, services)
    r = await user.get(f"/open311/v2/requests/{a}.json", auth=False)
    assert r.status == 200 and [x["service_request_id"] for x in r.body] == [a]
    for missing in (other, "QF2099999999"):
        r = await user.get(f"/open311/v2/requests/{missing}.json", auth=False)
        assert (r.status, r.code) == (404, "case_not_found")


async def test_bad_open311_queries_are_422(make_user: Any) -> None:
    u = make_user()
    for q in ("status=pending", "start_date=yesterday", "page_size=1000", "page=0", "bogus=1"):
        r = await u.get(f"/open311/v2/requests.json?{q}")
        assert (r.status, r.code) == (422, "invalid_request"), q
