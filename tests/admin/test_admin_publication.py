"""The publication pages over HTTP as a signed-in person uses them: scoped to the jurisdiction, CSRF on every
form, every change audited; a township never sees a case routed away from it."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from handlers.publication import disclosures as D
from handlers.publication import outcomes
from storage.models import AuditEntry
from storage.models.publication import Disclosure, DisclosureKind, Outcome, PowerItem
from tests.admin.conftest import signed_in
from tests.handlers.publication.conftest import DEMO_POWERS, FINANCE_ROWS, xlsx_bytes
from tests.handlers.publication.test_topics_outcomes import closed_case


async def test_county_admin_imports_and_edits_the_power_list_audited(panel_factory: Any, services: Any,
                                                                     accounts: Any) -> None:
    import aiohttp

    admin = await signed_in(panel_factory, services, "county_admin")
    status, body = await admin.get("/admin/powers")
    assert status == 200 and "清单还没有导入" in body
    form = aiohttp.FormData()
    form.add_field("csrf", admin.csrf)
    form.add_field("file", DEMO_POWERS.read_bytes(), filename="powers.yaml")
    async with admin.http.post(admin.base + "/admin/powers/import", data=form) as r:
        body = await r.text()
    assert r.status == 200 and "新增 24 项" in body, body[:300]
    assert await AuditEntry.filter(action="powers.import").exists()
    status, body = await admin.get("/admin/powers/P03")
    assert "户主以家庭为单位" in body and 'src="/admin/powers/P03/flowchart.svg"' in body
    status, body = await admin.post("/admin/powers/P03", {"title": "低保申请", "section": "村级民生服务",
                                                          "decider": "乡镇人民政府", "steps": "提出申请\n入户调查\n公示",
                                                          "time_limit": "30个工作日", "categories": "subsidy_fraud"})
    assert status == 200 and "已保存" in body
    assert (await PowerItem.get(code="P03")).steps == ["提出申请", "入户调查", "公示"]
    assert await AuditEntry.filter(action="powers.edit", target="power:P03").exists()
    status, _ = await admin.post("/admin/powers/P03", {"title": "x", "steps": "a", "time_limit": "1天"}, csrf=False)
    assert status == 403


async def test_township_staff_cannot_edit_powers_or_upload_for_another_township(panel_factory: Any, services: Any,
                                                                                accounts: Any) -> None:
    nanba = await signed_in(panel_factory, services, "nanba_staff")
    await PowerItem.create(code="P1", title="低保申请", steps=["申请"], time_limit="30天")
    assert (await nanba.get("/admin/powers"))[0] == 200
    assert (await nanba.post("/admin/powers/P1", {"title": "改", "steps": "a", "time_limit": "1天"}))[0] == 403
    p = await D.quarter_period(DisclosureKind.FINANCE, date.today().year - 1, 1)
    import aiohttp

    await nanba.get("/admin/disclosures")

    async def upload(village: str) -> tuple[int, str]:
        form = aiohttp.FormData()
        for k, v in (("csrf", nanba.csrf), ("village", village), ("period", str(p.id)), ("summary", "")):
            form.add_field(k, v)
        form.add_field("file", xlsx_bytes(FINANCE_ROWS), filename="q1.xlsx")
        async with nanba.http.post(nanba.base + "/admin/disclosures/upload", data=form) as r:
            return r.status, await r.text()

    assert (await upload("610798102201"))[0] == 403  # 东岭村 belongs to 东岭镇
    status, body = await upload("610798101201")
    assert status == 200 and "本期收入合计12000.00元" in body
    assert await Disclosure.filter(village_id="610798101201").exists()
    assert await AuditEntry.filter(action="disclosure.upload").exists()
    status, body = await nanba.get("/admin/disclosures")
    assert 'data-village="610798101202"' in body  # 石桥村 is late
    assert 'data-village="610798102201"' not in body  # another township's late village is not shown


async def test_outcome_review_in_the_panel_and_routed_away_cases_stay_hidden(panel_factory: Any, services: Any,
                                                                             accounts: Any) -> None:
    from handlers.cases.filing import ReportDraft, file_report
    from handlers.cases.transitions import transition
    from storage.models import Status

    case = await closed_case(services)
    # A township official accused: routed away from 南坝镇 to the county (回避), then closed there.
    away = (await file_report(ReportDraft(channel="mp", text="南坝镇副镇长收受红包", category="bribery_extortion",
                                          township="610798101", village="610798101201", level="township"),
                              services)).case
    assert away.office == "610798"
    await transition(away.id, Status.ACCEPTED, actor="staff:9", services=services)
    await transition(away.id, Status.RESOLVED, actor="staff:9", reason="属实", services=services,
                     updates={"result": "属实"})
    nanba = await signed_in(panel_factory, services, "nanba_staff")
    status, body = await nanba.get("/admin/outcomes")
    assert f'data-case="{case.id}"' in body and f'data-case="{away.id}"' not in body and away.number not in body
    status, body = await nanba.post("/admin/outcomes/propose", {"case": str(case.id), "result": "批评教育",
                                                                "summary": ""})
    assert status == 200 and "等待县纪委监委另一位工作人员审核" in body
    assert (await nanba.post("/admin/outcomes/propose", {"case": str(away.id), "result": "批评教育"}))[0] == 404
    county = await signed_in(panel_factory, services, "county_staff")
    o = await Outcome.get(case_id=case.id)
    status, body = await county.post(f"/admin/outcomes/{o.id}/review", {"decision": "publish"})
    assert status == 200 and "惠民惠农资金问题：批评教育" in body
    assert (await Outcome.get(id=o.id)).reviewed_by.startswith("staff:")
    assert await AuditEntry.filter(action="outcome.publish").exists()


async def test_case_page_shows_the_rules_of_the_power_its_report_is_about(panel_factory: Any, services: Any,
                                                                          accounts: Any) -> None:
    from handlers.publication.power_import import import_powers, read_rows
    from tests.admin.conftest import file_case

    await import_powers(read_rows(DEMO_POWERS), services.redis, actor="test")
    case = await file_case(services, "胡家庄村评低保时村干部把指标给了亲戚", township="610798101",
                           village="610798101201", category="favoritism")
    nanba = await signed_in(panel_factory, services, "nanba_staff")
    status, body = await nanba.get(f"/admin/cases/{case.id}")
    assert status == 200 and 'id="case-powers"' in body
    assert 'class="power-rule" data-code="P03"' in body and "乡镇人民政府审核确认" in body
    assert 'data-code="P06"' not in body  # 宅基地 has nothing to do with favoritism in 低保
