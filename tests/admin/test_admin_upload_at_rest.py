"""A subsidy file previewed and never imported (issue 20 item 13) leaves no ID number or name on disk in clear."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.admin.conftest import signed_in
from tests.admin.test_admin_data import EXAMPLE, csv_with_bad_row, upload


async def test_previewed_subsidy_upload_is_not_kept_in_plain_on_disk(accounts: Any, panel_factory: Any,
                                                                     subsidy_cleanup: None, services: Any,
                                                                     tmp_path: Path) -> None:
    admin = await signed_in(panel_factory, services, "county_admin")
    await admin.get("/admin/subsidies")
    status, body = await upload(admin, csv_with_bad_row(tmp_path))
    assert status == 200 and 'id="bad-rows"' in body  # the preview read the file
    uploads = Path(services.settings.var_dir) / "uploads"
    kept = [p for p in uploads.rglob("*") if p.is_file()]
    assert kept, "the upload waits for the admin's decision"
    people = [line.split(",")[:2] for line in EXAMPLE.read_text(encoding="utf-8").splitlines()[1:]]
    for path in kept:
        blob = path.read_bytes()
        for name, number in people:
            assert number.encode() not in blob and name.encode() not in blob, path.name
    for path in kept:  # the next test's directory listing starts empty
        path.unlink()
