"""Per-case documents: 信访举报登记表 and 问题线索处置呈批表, as Word and PDF (admin/case_documents.py).

    GET  /cases/{id}/documents/{kind}.{docx|pdf}   the form, the reporter's identity redacted
    POST /cases/{id}/documents/{kind}.{docx|pdf}   (county roles, a 实名 case) with the identity: a reason,
                                                   the audited reveal (admin/reveal.py), then the file

Every export is in the audit log (`case.document`: which form, which format, with or
without the identity). Monitors have no documents: a form says whether a report was 实名.
PDF needs LibreOffice on the server; where it is missing the answer says so (503).
"""
from __future__ import annotations

from aiohttp import web

from admin import office_pdf, scope
from admin.case_documents import KINDS, Revealed, document_values, render_docx
from admin.reveal import RevealRefused, reveal_identity
from admin.web import services_of, staff_of
from storage import audit
from storage.models import Case, Staff

routes = web.RouteTableDef()
FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "pdf": "application/pdf"}
PATH = r"/cases/{id:\d+}/documents/{kind:[a-z]+}.{fmt:docx|pdf}"


def _refusal(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=text, content_type="text/plain", charset="utf-8")


async def _export(request: web.Request, staff: Staff, case: Case, kind: str, fmt: str,
                  revealed: Revealed | None) -> web.StreamResponse:
    values = await document_values(case, exported_by=staff.display_name or staff.username, revealed=revealed)
    body = render_docx(kind, values)
    if fmt == "pdf":
        try:
            body = await office_pdf.docx_to_pdf(body)
        except office_pdf.ConversionFailed as exc:
            unavailable = not office_pdf.available()
            return _refusal(503, "本服务器未安装 LibreOffice，暂不能生成 PDF，请下载 Word 版。" if unavailable
                            else f"PDF 生成失败（{exc}），请下载 Word 版。")
    await audit.append(f"staff:{staff.id}", "case.document", case.number or str(case.id),
                       {"form": kind, "form_name": KINDS[kind], "format": fmt, "identity": revealed is not None})
    name = f"{case.number or case.id}-{kind}.{fmt}"
    return web.Response(body=body, content_type=FORMATS[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


async def _target(request: web.Request) -> tuple[Staff, Case, str, str]:
    staff = staff_of(request)
    scope.require(staff, scope.ACTING_ROLES)
    case = await scope.case_or_404(request, request.match_info["id"])
    kind = request.match_info["kind"]
    if kind not in KINDS:
        raise web.HTTPNotFound(text="没有这种文书")
    return staff, case, kind, request.match_info["fmt"]


@routes.get(PATH)
async def document(request: web.Request) -> web.StreamResponse:
    staff, case, kind, fmt = await _target(request)
    return await _export(request, staff, case, kind, fmt, None)


@routes.post(PATH)
async def document_with_identity(request: web.Request) -> web.StreamResponse:
    staff, case, kind, fmt = await _target(request)
    reason = str((await request.post()).get("reason", ""))
    try:
        ident = await reveal_identity(staff, case, reason, services_of(request).cipher, purpose=f"导出{KINDS[kind]}")
    except RevealRefused as exc:
        return _refusal(403 if not scope.may_see_reporter(staff) else 400, str(exc))
    return await _export(request, staff, case, kind, fmt, Revealed(ident.name, ident.phone))
