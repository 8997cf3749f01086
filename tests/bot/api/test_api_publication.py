"""The mini-program's publication reads and the 点题 vote over real HTTP, as listed in the OpenAPI document."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from defusedxml import ElementTree

from handlers.publication.power_import import import_powers, read_rows

DEMO_POWERS = Path(__file__).resolve().parents[3] / "storage" / "data" / "powers_demo.yaml"
PUBLICATION_PATHS = ("/api/v1/powers", "/api/v1/powers/{id}", "/api/v1/disclosures", "/api/v1/announcements",
                     "/api/v1/outcomes", "/api/v1/topics", "/api/v1/topics/{id}/vote")


@pytest_asyncio.fixture
async def powers(registry_loaded: Any) -> Any:
    await import_powers(read_rows(DEMO_POWERS), registry_loaded.redis, actor="test")
    return registry_loaded


async def test_publication_reads_are_in_the_openapi_document(make_user: Any) -> None:
    doc = (await make_user().get("/api/v1/openapi.json", auth=False)).body
    for path in PUBLICATION_PATHS:
        assert path in doc["paths"], path
    vote = doc["paths"]["/api/v1/topics/{id}/vote"]["post"]
    assert "409" in vote["responses"] and vote["security"] == [{"session": []}]
    assert "PowerOut" in doc["components"]["schemas"]


async def test_power_list_detail_and_flowchart(make_user: Any, powers: Any) -> None:
    u = make_user()
    listed = (await u.get("/api/v1/powers", auth=False)).body["powers"]
    assert len(listed) == 24 and {"id", "title", "section", "time_limit", "categories"} <= set(listed[0])
    found = (await u.get("/api/v1/powers?q=低保", auth=False)).body["powers"]
    assert [p["title"] for p in found] == ["低保申请"]
    detail = (await u.get(f"/api/v1/powers/{found[0]['id']}", auth=False)).body
    assert detail["steps"][0].startswith("户主") and "subsidy_fraud" in detail["categories"]
    assert detail["report_hint"].endswith("回复【举报】")
    r = await u.get(detail["flowchart"], auth=False)
    assert r.status == 200 and r.headers["Content-Type"].startswith("image/svg+xml")
    svg = ElementTree.fromstring(r.body.encode())
    boxes = svg.findall(".//{http://www.w3.org/2000/svg}rect[@class='step']")
    assert len(boxes) == len(detail["steps"])
    assert (await u.get("/api/v1/powers/NOPE", auth=False)).code == "not_found"


async def test_disclosures_of_a_village_with_the_late_list_and_the_file(make_user: Any, registry_loaded: Any) -> None:
    from datetime import date, timedelta

    from handlers.publication import disclosures as D
    from storage.models.publication import DisclosureKind
    from tests.handlers.publication.conftest import FINANCE_ROWS, xlsx_bytes

    p = await D.quarter_period(DisclosureKind.FINANCE, date.today().year - 1, 2)
    content = xlsx_bytes(FINANCE_ROWS)
    await D.publish(D.Upload("610798101201", p.id, "", "", "q2.xlsx", content), actor="staff:1",
                    today=p.due_on - timedelta(days=1))
    u = make_user()
    body = (await u.get("/api/v1/disclosures?village=610798101201", auth=False)).body
    [d] = body["disclosures"]
    assert body["village_name"] == "胡家庄村" and d["on_time"] and d["summary"].startswith("本期收入合计12000.00元")
    assert body["late"] == []
    async with u.http.get(u.base + d["file"]) as r:
        assert r.status == 200 and r.content_type == D.XLSX_TYPE and await r.read() == content
    late = (await u.get("/api/v1/disclosures?village=610798102201", auth=False)).body
    assert late["disclosures"] == [] and late["late"][0]["period"] == p.label and late["late"][0]["disclosed_on"] is None
    assert (await u.get("/api/v1/disclosures?village=999", auth=False)).code == "unknown_place"


async def test_one_vote_per_villager_per_round_through_the_api(make_user: Any, registry_loaded: Any) -> None:
    from datetime import date, timedelta

    from handlers.publication import topics
    from storage.models.publication import RoundStatus

    today = date.today()
    r = await topics.create_round("群众点题", today, today + timedelta(days=3), [("低保评定", ""), ("工程项目", "")],
                                  actor="staff:1")
    u = make_user()
    listed = (await u.get("/api/v1/topics", auth=False)).body
    assert listed["round"] is None  # a draft round is not shown
    await topics.set_status(r, RoundStatus.OPEN, actor="staff:1")
    listed = (await u.get("/api/v1/topics", auth=False)).body
    first, second = listed["topics"]
    assert listed["round"]["status"] == "open" and first["votes"] is None  # no counts while voting
    assert (await u.post(f"/api/v1/topics/{first['id']}/vote", {})).code == "unauthorized"
    await u.login()
    ok = await u.post(f"/api/v1/topics/{first['id']}/vote", {"village": "610798102201"})
    assert ok.status == 200 and ok.body["outcome"] == "counted"
    again = await u.post(f"/api/v1/topics/{second['id']}/vote", {})
    assert again.status == 409 and again.code == "already_voted"
    await u.login()  # a new session of the same WeChat user is the same villager
    assert (await u.post(f"/api/v1/topics/{second['id']}/vote", {})).code == "already_voted"
    other = make_user()
    await other.login()
    assert (await other.post(f"/api/v1/topics/{second['id']}/vote", {})).status == 200
    await topics.set_status(r, RoundStatus.CLOSED, actor="staff:1")
    closed = (await u.get("/api/v1/topics", auth=False)).body
    assert [t["votes"] for t in closed["topics"]] == [1, 1] and all(t["chosen"] for t in closed["topics"])
    late = make_user()
    await late.login()
    assert (await late.post(f"/api/v1/topics/{first['id']}/vote", {})).code == "round_closed"


async def test_outcomes_and_announcements_show_nothing_personal(make_user: Any, registry_loaded: Any) -> None:
    from admin.accounts import create_user
    from handlers.cases.announce import announce
    from handlers.publication import outcomes
    from storage.models import Village, WechatGroup
    from tests.handlers.publication.test_topics_outcomes import REPORT_TEXT, closed_case

    services = registry_loaded
    staff = await create_user("nanba_api", "township_staff", "610798101", "nanba-api-pass-1")
    county = await create_user("county_api", "county_admin", "610798", "county-api-pass-1")
    case = await closed_case(services)
    o = await outcomes.propose(case, "给予党纪处分", "村会计违规扣减低保金，已退还群众并给予警告处分", staff)
    u = make_user()
    assert (await u.get("/api/v1/outcomes", auth=False)).body["outcomes"] == []  # not before the review
    await outcomes.review(o, county, publish=True)
    [out] = (await u.get("/api/v1/outcomes?village=610798101201", auth=False)).body["outcomes"]
    assert out["village"] == "胡家庄村" and out["result"] == "给予党纪处分" and out["summary"].startswith("村会计")
    dump = str(out)
    for secret in ("李大山", "13800138000", REPORT_TEXT[:12], case.number):
        assert secret not in dump
    await WechatGroup.create(chat_id="wrApiGroup1", village=await Village.get(code="610798101201"),
                             webhook_key="k1")
    await announce("关于农村危房改造对象的公示", ["wrApiGroup1"], "staff:1", services)
    [a] = (await u.get("/api/v1/announcements?village=610798101201&q=危房", auth=False)).body["announcements"]
    assert a["office"] == "示例县纪委监委" and a["title"] == "关于农村危房改造对象的公示"
    assert (await u.get("/api/v1/announcements?village=610798101201&q=宅基地", auth=False)).body["announcements"] == []
