"""Per-case documents (issue 18): the 信访举报登记表 and the 问题线索处置呈批表 as Word (opened with python-docx) and
PDF (LibreOffice, where installed), the case's facts and timeline filled in, the reporter's identity only after a
county reveal, every export audited."""
from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from handlers.cases.actions import accept, add_finding
from storage.models import AuditEntry, CaseEvent, Staff
from tests.admin.conftest import file_case, signed_in

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

NAME, PHONE, ID_NUMBER = "赵桂兰", "13712345678", "610798199001011234"
TEXT = f"胡家庄村会计把我家低保钱扣了一半，说是管理费 <b>&amp; 还让我别声张</b>，我的身份证{ID_NUMBER}"


def docx_text(blob: bytes) -> str:
    """Every paragraph and every table cell of the document."""
    doc = Document(io.BytesIO(blob))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


async def _worked_case(services: Any) -> Any:
    case = await file_case(services, TEXT, township="610798101", village="610798101201", anonymous=False,
                           name=NAME, phone=PHONE, openid="o-reporter-doc")
    clerk = await Staff.get(username="nanba_staff")
    await accept(case.id, actor_staff=clerk, services=services)
    await add_finding(case.id, actor_staff=clerk, text=f"已约谈会计，承认扣款\n联系人电话{PHONE}", services=services)
    return case


@pytest.mark.parametrize("kind, title", [("registration", "信访举报登记表"), ("disposal", "问题线索处置呈批表")])
async def test_document_is_filled_and_carries_no_identity_for_a_township_export(
        kind: str, title: str, accounts: Any, panel_factory: Any, services: Any) -> None:
    case = await _worked_case(services)
    clerk = await signed_in(panel_factory, services, "nanba_staff")
    _, page = await clerk.get(f"/admin/cases/{case.id}")
    assert f'/admin/cases/{case.id}/documents/{kind}.docx' in page
    status, blob, ctype = await clerk.get_bytes(f"/admin/cases/{case.id}/documents/{kind}.docx")
    assert status == 200 and ctype.endswith("wordprocessingml.document")
    text = docx_text(blob)
    assert "{{" not in text and "{%" not in text, "every placeholder filled"
    for expected in (title, case.number, "示例县纪委监委", "公众号", "惠民惠农资金问题", "南坝镇 胡家庄村", "南坝镇纪委",
                     "村干部", "受理", "调查情况", "已约谈会计", "<b>&amp; 还让我别声张</b>"):
        assert expected in text, expected
    assert "身份信息已隐去" in text
    for secret in (NAME, PHONE, ID_NUMBER):
        assert secret not in text and secret.encode() not in blob, secret
    staff = await Staff.get(username="nanba_staff")
    entry = await AuditEntry.get(action="case.document", target=case.number)
    assert entry.actor == f"staff:{staff.id}" and entry.detail["form"] == kind and entry.detail["identity"] is False


async def test_county_export_shows_identity_only_after_an_audited_reveal(accounts: Any, panel_factory: Any,
                                                                         services: Any) -> None:
    case = await _worked_case(services)
    county = await signed_in(panel_factory, services, "county_staff")
    _, blob, _ = await county.get_bytes(f"/admin/cases/{case.id}/documents/registration.docx")
    assert NAME not in docx_text(blob)  # a plain county download is redacted too
    await county.get(f"/admin/cases/{case.id}")
    status, _ = await county.post(f"/admin/cases/{case.id}/documents/registration.docx", {"reason": "短"})
    assert status == 400
    async with county.http.post(f"{county.base}/admin/cases/{case.id}/documents/registration.docx",
                                data={"csrf": county.csrf, "reason": "移送审查调查需附举报人信息"}) as r:
        assert r.status == 200
        text = docx_text(await r.read())
    assert NAME in text and PHONE in text and ID_NUMBER in text and "注意保密" in text
    reveal = await AuditEntry.get(action="reporter.reveal", target=case.number)
    assert reveal.detail["for"] == "导出信访举报登记表"
    exports = await AuditEntry.filter(action="case.document", target=case.number).order_by("id")
    assert [e.detail["identity"] for e in exports] == [False, True]
    assert await CaseEvent.exists(case_id=case.id, kind="identity_revealed")
    # A township clerk cannot ask for the identity at all.
    clerk = await signed_in(panel_factory, services, "nanba_staff")
    await clerk.get(f"/admin/cases/{case.id}")
    status, body = await clerk.post(f"/admin/cases/{case.id}/documents/disposal.docx", {"reason": "我想知道是谁写的"})
    assert status == 403 and NAME not in body


async def test_monitor_gets_no_documents(accounts: Any, panel_factory: Any, services: Any) -> None:
    case = await _worked_case(services)
    monitor = await signed_in(panel_factory, services, "hujia_monitor")
    status, page = await monitor.get(f"/admin/cases/{case.id}")
    assert status == 200 and "/documents/" not in page
    status, _, _ = await monitor.get_bytes(f"/admin/cases/{case.id}/documents/registration.docx")
    assert status == 403
    assert not await AuditEntry.filter(action="case.document").exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
async def test_pdf_from_libreoffice_is_filled_and_redacted(accounts: Any, panel_factory: Any, services: Any) -> None:
    case = await _worked_case(services)
    clerk = await signed_in(panel_factory, services, "nanba_staff")
    status, blob, ctype = await clerk.get_bytes(f"/admin/cases/{case.id}/documents/disposal.pdf")
    assert status == 200 and ctype == "application/pdf" and blob.startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "case-disposal.pdf").write_bytes(blob)  # to look at (pdftoppm), like the screenshots
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=blob, capture_output=True, check=True).stdout.decode()
        assert "问题线索处置呈批表" in text and case.number in text
        assert NAME not in text and PHONE not in text
    entry = await AuditEntry.get(action="case.document", target=case.number)
    assert entry.detail["format"] == "pdf"


async def test_pdf_without_libreoffice_says_it_is_unavailable(accounts: Any, panel_factory: Any, services: Any,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from admin import office_pdf

    monkeypatch.setattr(office_pdf, "soffice", lambda: None)
    case = await _worked_case(services)
    clerk = await signed_in(panel_factory, services, "nanba_staff")
    _, page = await clerk.get(f"/admin/cases/{case.id}")
    assert "PDF 暂不可用" in page and "/documents/registration.pdf" not in page
    status, body = await clerk.get(f"/admin/cases/{case.id}/documents/registration.pdf")
    assert status == 503 and "未安装 LibreOffice" in body
    assert not await AuditEntry.filter(action="case.document").exists()  # nothing was exported
