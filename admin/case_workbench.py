"""What the case page adds for the staff workbench (issue 18): documents and canned replies.

`workbench_context(case, staff)` is merged into the case page's context; the templates are
`_case_workbench.html` (documents) and `_canned_pick.html` (inside the reply form).
"""
from __future__ import annotations

from typing import Any

from admin import office_pdf, scope
from admin.case_documents import KINDS
from admin.views_replies import offered
from storage.models import Case, Staff


async def workbench_context(case: Case, staff: Staff) -> dict[str, Any]:
    acting = scope.may_act(staff)
    return {
        "documents": list(KINDS.items()) if acting else [],
        "pdf_available": office_pdf.available(),
        "document_reveal": acting and scope.may_see_reporter(staff) and not case.anonymous,
        "canned": await offered(case) if acting else [],
    }
