"""Subsidy import in the panel: a preview lists every bad row and no personal data, nothing is written until
the admin confirms, and then only the good rows."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp

from storage.models import AuditEntry, SubsidyRecord
from tests.admin.conftest import signed_in
from tests.conftest import CONTRACTS

EXAMPLE = CONTRACTS / "subsidies.example.csv"
BAD_LINE = "赵四,610798195603120011,农村低保,1560.00,2026-03-15,610798101201,县民政局\n"  # checksum wrong


def csv_with_bad_row(tmp_path: Path) -> Path:
    path = tmp_path / "2026年发放表.csv"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + BAD_LINE, encoding="utf-8")
    return path


async def upload(panel: Any, path: Path) -> tuple[int, str]:
    form = aiohttp.FormData()
    form.add_field("csrf", panel.csrf)
    form.add_field("file", path.read_bytes(), filename=path.name, content_type="text/csv")
    async with panel.http.post(panel.base + "/admin/subsidies/preview", data=form) as r:
        body = await r.text()
        panel._remember(body)
        return r.status, body


async def test_preview_shows_bad_rows_then_imports_good_rows_only(accounts: Any, panel_factory: Any,
                                                                  subsidy_cleanup: None,
                                                                  services: Any, tmp_path: Path,
                                                                  sensitive_log: Any) -> None:
    admin = await signed_in(panel_factory, services, "county_admin")
    await admin.get("/admin/subsidies")
    status, body = await upload(admin, csv_with_bad_row(tmp_path))
    assert status == 200
    bad = body.split('id="bad-rows"', 1)[1].split("</table>", 1)[0]
    assert "<td>6</td>" in bad  # the line number of the bad row
    assert "610798195603120011" not in body and "赵四" not in body and "胡大山" not in body
    assert await SubsidyRecord.all().count() == 0  # a preview writes nothing
    status, body = await admin.post("/admin/subsidies/import", {
        "token": body.split('name="token" value="', 1)[1].split('"', 1)[0], "filename": "2026年发放表.csv",
        "skip_bad": "1"})
    assert status == 200 and "已导入 4 条记录" in body
    assert await SubsidyRecord.all().count() == 4
    entry = await AuditEntry.get(action="subsidies.import")
    assert entry.actor == f"staff:{accounts['county_admin'].id}" and entry.detail["skipped_bad"] == 1
    assert not list((Path(services.settings.var_dir) / "uploads").iterdir())  # the upload is gone
    for record in sensitive_log.records:
        assert "610798195603120010" not in record.getMessage()


async def test_only_county_admin_imports_and_csrf_is_required(accounts: Any, panel_factory: Any, services: Any,
                                                              tmp_path: Path) -> None:
    staff = await signed_in(panel_factory, services, "county_staff")
    status, _ = await staff.get("/admin/subsidies")
    assert status == 403
    admin = await signed_in(panel_factory, services, "county_admin")
    admin.csrf = "wrong"
    status, _ = await upload(admin, csv_with_bad_row(tmp_path))
    assert status == 403


async def test_staff_lookup_is_scoped_audited_and_masked(accounts: Any, panel_factory: Any, services: Any,
                                                         subsidy_cleanup: None) -> None:
    from storage.subsidy_import import import_subsidies

    summary = await import_subsidies(EXAMPLE, services.cipher, actor="test")
    assert summary.committed
    county = await signed_in(panel_factory, services, "county_staff")
    await county.get("/admin/lookup")
    status, body = await county.post("/admin/lookup", {"id_number": "610798197201010037", "name": "王建国"})
    result = body.split('id="lookup-result"', 1)[1]
    assert "危房改造补助" in result and "20000.00" in result
    assert "610798197201010037" not in body and "王建国" not in body  # masked
    nanba = await signed_in(panel_factory, services, "nanba_staff")
    await nanba.get("/admin/lookup")
    status, body = await nanba.post("/admin/lookup", {"id_number": "610798197201010037", "name": "王建国"})
    assert "危房改造补助" not in body and "没有查到" in body  # a 东岭 record, outside 南坝
    actors = [e.actor for e in await AuditEntry.filter(action="subsidy.lookup").order_by("id")]
    assert actors == [f"staff:{accounts['county_staff'].id}", f"staff:{accounts['nanba_staff'].id}"]
