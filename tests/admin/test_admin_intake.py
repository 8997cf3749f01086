"""Manual intake (来信、来访、来电、12388 登记, issue 18): staff file a report that came in off WeChat into the same
ledger, routed by the same rules, identity sealed, attachments checked and encrypted, a double submit filing once."""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import aiohttp
import piexif
from PIL import Image

from storage.models import (Attachment, AuditEntry, Case, CaseEvent, OutboxMessage, ReporterIdentity, Staff,
                            Status)
from tests.admin.conftest import Panel, file_case, signed_in

TOKEN_RE = re.compile(r'name="token" value="(in[0-9a-f]{30})"')
LETTER = "胡家庄村会计王某把我家的低保钱扣了一半，说是管理费，我的电话13912345678"
NAME, PHONE = "李秀英", "13912345678"


def photo_with_gps() -> bytes:
    """A letter photographed on a phone: a JPEG carrying GPS tags, which must not survive."""
    exif = piexif.dump({"GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((34, 1), (15, 1), (0, 1))}})
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 180, 160)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


async def open_form(panel: Panel) -> str:
    status, body = await panel.get("/admin/intake")
    assert status == 200, body[:300]
    m = TOKEN_RE.search(body)
    assert m, "the form carries a token"
    return m.group(1)


async def post_intake(panel: Panel, fields: dict[str, str], files: list[tuple[str, bytes, str]] = ()) -> tuple[int, str]:
    form = aiohttp.FormData()
    form.add_field("csrf", panel.csrf)
    for k, v in fields.items():
        form.add_field(k, v)
    for name, data, ctype in files:
        form.add_field("files", data, filename=name, content_type=ctype)
    async with panel.http.post(panel.base + "/admin/intake", data=form) as r:
        body = await r.text()
        panel._remember(body)
        return r.status, body


async def test_letter_registered_by_staff_is_routed_like_wechat_sealed_and_audited(
        accounts: Any, panel_factory: Any, services: Any) -> None:
    clerk = await signed_in(panel_factory, services, "county_staff")
    token = await open_form(clerk)
    status, body = await post_intake(clerk, {"token": token, "channel": "letter", "text": LETTER, "name": NAME,
                                             "phone": PHONE}, [("letter.jpg", photo_with_gps(), "image/jpeg")])
    assert status == 200 and 'id="intake-done"' in body, body[:500]
    case = await Case.get(channel="letter")
    assert case.number in body and "来信" in body
    receipt = re.search(r'id="intake-receipt"><strong>([\d ]{19})<', body)
    assert receipt, "the receipt is shown once, for the reporter"
    # The same routing as a WeChat report: a village cadre of 胡家庄村 → 南坝镇纪委.
    assert case.office == "610798101" and case.category == "subsidy_fraud" and case.status is Status.RECEIVED
    assert case.accept_due is not None  # the lifecycle hooks ran
    staff = await Staff.get(username="county_staff")
    filed = await CaseEvent.get(case_id=case.id, kind="filed")
    assert filed.actor == f"staff:{staff.id}" and filed.data == {"channel": "letter"}
    assert await CaseEvent.exists(case_id=case.id, kind="routed")
    # Identity sealed, never in clear in the row; nothing pushed to a reporter who wrote a letter.
    ident = await ReporterIdentity.get(case_id=case.id)
    row = f"{ident.openid_enc}{ident.name_enc}{ident.phone_enc}{ident.subject_hash}"
    assert NAME not in row and PHONE not in row
    assert services.cipher.open(ident.name_enc) == NAME and services.cipher.open(ident.phone_enc) == PHONE
    assert not case.anonymous
    from handlers.cases.actions import accept

    wechat = await file_case(services, "胡家庄村会计扣低保", township="610798101", village="610798101201",
                             anonymous=False, name="王五", openid="o-wechat-reporter")
    for c in (case, wechat):
        await accept(c.id, actor_staff=await Staff.get(username="nanba_staff"), services=services)
    told = {m.case_id for m in await OutboxMessage.all() if m.payload.get("audience") == "reporter"}
    assert told == {wechat.id}  # a WeChat reporter is told; a letter is answered by letter, not pushed to nobody
    # The photo: checked, GPS stripped, encrypted at rest.
    att = await Attachment.get(case_id=case.id)
    assert att.kind == "image" and att.content_type == "image/jpeg"
    blob = (Path(services.settings.var_dir) / "attachments" / att.path).read_bytes()
    assert not blob.startswith(b"\xff\xd8") and b"GPS" not in blob
    from storage.attachments import read_attachment

    assert b"GPS" not in await read_attachment(att, services)
    entry = await AuditEntry.get(action="case.intake", target=case.number)
    assert entry.actor == f"staff:{staff.id}" and entry.detail["channel"] == "letter"
    assert NAME not in str(entry.detail) and PHONE not in str(entry.detail)
    # The case page names the channel in Chinese and masks the phone typed into the letter.
    _, page = await clerk.get(f"/admin/cases/{case.id}")
    assert "来信" in page and PHONE not in page and NAME not in page


async def test_intake_form_sent_twice_files_one_case(accounts: Any, panel_factory: Any, services: Any) -> None:
    clerk = await signed_in(panel_factory, services, "nanba_staff")
    token = await open_form(clerk)
    fields = {"token": token, "channel": "phone", "text": "胡家庄村主任把村里的鱼塘私自承包给自己亲戚", "village": "610798101201"}
    first = await post_intake(clerk, fields)
    second = await post_intake(clerk, fields)
    assert first[0] == second[0] == 200
    assert await Case.filter(channel="phone").count() == 1
    assert "没有重复登记" in second[1]
    assert await AuditEntry.filter(action="case.intake").count() == 1
    case = await Case.get(channel="phone")
    assert case.anonymous and not await ReporterIdentity.exists(case_id=case.id)  # no name, no phone: 匿名


async def test_intake_refuses_a_file_that_fails_the_upload_checks_and_writes_nothing(
        accounts: Any, panel_factory: Any, services: Any) -> None:
    clerk = await signed_in(panel_factory, services, "county_staff")
    token = await open_form(clerk)
    status, body = await post_intake(clerk, {"token": token, "channel": "12388", "text": LETTER},
                                     [("macro.docm", b"PK\x03\x04 not a photo", "image/jpeg")])
    assert status == 400 and "附件 1 未通过检查" in body
    assert await Case.all().count() == 0 and await Attachment.all().count() == 0
    assert LETTER.split("，")[0] in body  # what the clerk typed is still in the form


async def test_intake_needs_a_channel_and_text_in_chinese(accounts: Any, panel_factory: Any, services: Any) -> None:
    clerk = await signed_in(panel_factory, services, "county_staff")
    token = await open_form(clerk)
    status, body = await post_intake(clerk, {"token": token, "channel": "mp", "text": LETTER})
    assert status == 400 and "请选择来源渠道" in body
    status, body = await post_intake(clerk, {"token": token, "channel": "visit", "text": "有"})
    assert status == 400 and "请填写反映内容" in body
    status, body = await post_intake(clerk, {"token": "forged", "channel": "visit", "text": LETTER})
    assert status == 400 and "登记表已失效" in body
    assert await Case.all().count() == 0


async def test_township_clerks_visit_about_a_township_leader_goes_to_the_county(
        accounts: Any, panel_factory: Any, services: Any) -> None:
    clerk = await signed_in(panel_factory, services, "nanba_staff")
    token = await open_form(clerk)
    status, body = await post_intake(clerk, {"token": token, "channel": "visit", "village": "610798101201",
                                             "text": "南坝镇副镇长收了胡家庄村低保户的好处费才给办低保"})
    assert status == 200
    case = await Case.get(channel="visit")
    assert case.office == "610798"  # 回避: the county handles it, not the clerk's own township
    assert "其他单位办理" in body and f"/admin/cases/{case.id}" not in body


async def test_monitor_and_auditor_cannot_register(accounts: Any, panel_factory: Any, services: Any) -> None:
    for user in ("hujia_monitor", "auditor"):
        panel = await signed_in(panel_factory, services, user)
        status, _ = await panel.get("/admin/intake")
        assert status == 403
        status, _ = await post_intake(panel, {"token": "in" + "0" * 30, "channel": "letter", "text": LETTER})
        assert status == 403
    assert await Case.all().count() == 0
