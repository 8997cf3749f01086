"""Canned replies (常用答复, issue 18): the county admin keeps them per category and status; the case page offers
the matching ones in the reply form; only the county admin edits them, and every change is audited."""
from __future__ import annotations

from typing import Any

from storage.models import AuditEntry
from storage.models.admin import CannedReply
from tests.admin.conftest import file_case, signed_in


async def test_county_admin_keeps_replies_and_the_case_page_offers_the_matching_ones(
        accounts: Any, panel_factory: Any, services: Any) -> None:
    admin = await signed_in(panel_factory, services, "county_admin")
    await admin.get("/admin/replies")
    for category, status, title, text in (
            ("subsidy_fraud", "received", "低保已收到", "您反映的低保问题（编号{编号}）已收到，我们将在3个工作日内受理。"),
            ("", "", "通用致谢", "感谢您的监督。"),
            ("eight_rules", "", "八项规定", "您反映的公款吃喝问题已转交核查。")):
        status_code, body = await admin.post("/admin/replies", {"category": category, "status": status,
                                                                "title": title, "text": text})
        assert status_code == 200 and f"已保存“{title}”" in body
    status_code, body = await admin.post("/admin/replies", {"category": "bogus", "title": "x", "text": "y"})
    assert status_code == 400 and "没有这个问题类别" in body
    case = await file_case(services, "胡家庄村会计扣了我家低保", township="610798101", village="610798101201")
    clerk = await signed_in(panel_factory, services, "nanba_staff")
    _, page = await clerk.get(f"/admin/cases/{case.id}")
    assert 'id="canned-pick"' in page
    assert f"您反映的低保问题（编号{case.number}）已收到" in page and "感谢您的监督。" in page
    assert "您反映的公款吃喝问题" not in page  # another category's reply is not offered
    # Edited and deleted by the admin; each change audited.
    row = await CannedReply.get(title="通用致谢")
    await admin.get("/admin/replies")
    await admin.post("/admin/replies", {"id": str(row.id), "category": "", "status": "", "title": "通用致谢",
                                        "text": "感谢您对基层监督工作的支持。"})
    assert (await CannedReply.get(id=row.id)).text == "感谢您对基层监督工作的支持。"
    await admin.post(f"/admin/replies/{row.id}/delete")
    assert not await CannedReply.exists(id=row.id)
    actions = [e.action for e in await AuditEntry.filter(action__startswith="canned_reply.").order_by("id")]
    assert actions == ["canned_reply.saved"] * 4 + ["canned_reply.deleted"]


async def test_only_the_county_admin_edits_canned_replies(accounts: Any, panel_factory: Any, services: Any) -> None:
    for user in ("county_staff", "nanba_staff", "hujia_monitor", "auditor"):
        panel = await signed_in(panel_factory, services, user)
        status, _ = await panel.get("/admin/replies")
        assert status == 403, user
        status, _ = await panel.post("/admin/replies", {"title": "x", "text": "y"})
        assert status == 403, user
    assert not await CannedReply.exists()
