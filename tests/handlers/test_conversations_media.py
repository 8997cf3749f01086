"""Photos and voices sent during a report: fetched from WeChat, EXIF/GPS stripped, stored encrypted."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.fake_wechat import FAKE_AMR, FAKE_CAMERA, fake_photo
from handlers import report_texts as T
from storage.attachments import AttachmentRejected, read_attachment, save_attachment
from storage.models import Attachment, Case, CaseEvent
from tests.handlers.conftest import Villager, confirmed
from tests.handlers.test_conversations_report import LOW_INCOME


async def report_with_media(v: Villager) -> None:
    await v.one("举报")
    await v.one(LOW_INCOME)
    assert await v.one(kind="image", media_id="media-photo-1") == T.PHOTO_KEPT
    assert await v.one(kind="voice", media_id="voice-1") == T.VOICE_UNRECOGNISED  # kept as audio
    await v.one("好了")
    await confirmed(v)
    await v.one("2")


async def test_photo_and_voice_are_stored_encrypted_without_exif(villager: Villager, services: Any) -> None:
    assert FAKE_CAMERA.encode() in fake_photo()  # what the phone sent did carry EXIF
    await report_with_media(villager)
    await services.drain()
    case = await Case.get()
    atts = {a.kind: a for a in await Attachment.filter(case_id=case.id, derived_from_id=None)}
    assert set(atts) == {"image", "voice"}
    photo = await read_attachment(atts["image"], services)
    assert photo.startswith(b"\xff\xd8") and FAKE_CAMERA.encode() not in photo
    assert not Image.open(io.BytesIO(photo)).getexif()
    assert await read_attachment(atts["voice"], services) == FAKE_AMR
    on_disk = (Path(services.settings.var_dir) / "attachments" / atts["image"].path).read_bytes()
    assert b"\xff\xd8\xff" not in on_disk[:64] and b"JFIF" not in on_disk  # encrypted at rest


async def test_failed_download_keeps_the_media_reference(villager: Villager, services: Any, fake_wechat: Any, http: Any) -> None:
    async with http.post(fake_wechat.base_url + "/_fake/fail",
                         json={"mode": "http500", "count": 5, "paths": ["/cgi-bin/media/get"]}) as r:
        assert r.status == 200
    await report_with_media(villager)
    await services.drain()
    await http.post(fake_wechat.base_url + "/_fake/reset")
    case = await Case.get()
    pending = await CaseEvent.filter(case_id=case.id, kind="attachment_pending").order_by("id")
    assert [e.data["media_id"] for e in pending] == ["media-photo-1", "voice-1"]
    assert all(not e.public for e in pending)


async def test_attachment_rejects_wrong_type_and_oversize(services: Any, registry_loaded: Any) -> None:
    case = await _case(services)
    with pytest.raises(AttachmentRejected) as bad:
        await save_attachment(case.id, b"%PDF-1.4 not a photo", "image/jpeg", "image", services)
    assert "照片" in bad.value.reason_cn and "claimed image/jpeg" in bad.value.reason_admin
    with pytest.raises(AttachmentRejected):
        await save_attachment(case.id, FAKE_AMR, "audio/amr", "image", services)  # audio posing as a photo
    with pytest.raises(AttachmentRejected) as big:
        await save_attachment(case.id, b"#!AMR\n" + bytes(3 * 1024 * 1024), "audio/amr", "voice", services)
    assert "太大" in big.value.reason_cn
    assert await Attachment.all().count() == 0


async def test_png_text_chunks_are_dropped(services: Any, registry_loaded: Any) -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "30.67N 104.05E")
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(buf, format="PNG", pnginfo=info)
    att = await save_attachment((await _case(services)).id, buf.getvalue(), "image/png", "image", services)
    data = await read_attachment(att, services)
    assert data.startswith(b"\x89PNG") and b"30.67N" not in data and att.content_type == "image/png"


async def test_tampered_attachment_is_refused_on_read(services: Any, registry_loaded: Any) -> None:
    att = await save_attachment((await _case(services)).id, fake_photo(), "image/jpeg", "image", services)
    path = Path(services.settings.var_dir) / "attachments" / att.path
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 1
    path.write_bytes(bytes(blob))
    with pytest.raises(Exception):
        await read_attachment(att, services)


async def _case(services: Any) -> Case:
    from handlers.cases.filing import ReportDraft, file_report

    draft = ReportDraft(channel="miniapp", text=LOW_INCOME, category="subsidy_fraud",
                        township="610798101", village="610798101201")
    return (await file_report(draft, services)).case
