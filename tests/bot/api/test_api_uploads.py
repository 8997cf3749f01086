"""Attachments from the mini-program: multipart, type and size checked, EXIF/GPS stripped, stored encrypted."""
from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import aiohttp
import piexif
from PIL import Image

from storage.attachments import MAX_BYTES, read_attachment
from storage.models import Attachment, Case
from tests.bot.api.conftest import HUJIAZHUANG, MiniProgram

CAMERA = b"QF-Test-Camera"


def jpeg_with_gps() -> bytes:
    """A real photo as a phone writes it: camera model, time and a GPS position in EXIF."""
    exif = {
        "0th": {piexif.ImageIFD.Model: CAMERA, piexif.ImageIFD.Make: b"QF"},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2024:05:01 10:00:00"},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((30, 1), (40, 1), (125, 10)),
                piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: ((104, 1), (3, 1), (1, 1))},
    }
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 90, 30)).save(out, format="JPEG", exif=piexif.dump(exif))
    return out.getvalue()


def form(data: bytes, name: str = "file", filename: str = "a.jpg", ctype: str = "image/jpeg") -> aiohttp.FormData:
    f = aiohttp.FormData()
    f.add_field(name, data, filename=filename, content_type=ctype)
    return f


async def _filed(user: MiniProgram) -> dict[str, Any]:
    r = await user.report(village=HUJIAZHUANG)
    assert r.body["filed"] and r.body["upload_token"]
    return r.body


async def _upload(user: MiniProgram, token: str, data: Any) -> Any:
    return await user.post("/api/v1/attachments", None, data=data, headers={"X-Upload-Token": token})


async def test_photo_gps_and_camera_are_stripped_and_file_is_encrypted(user: MiniProgram, services: Any) -> None:
    photo = jpeg_with_gps()
    assert piexif.load(photo)["GPS"]  # the test photo really carries a position
    filed = await _filed(user)
    r = await _upload(user, filed["upload_token"], form(photo))
    assert r.status == 201 and r.body == {"kind": "image", "content_type": "image/jpeg", "size": r.body["size"],
                                          "count": 1}
    att = await Attachment.get(case__number=filed["case_number"])
    stored = await read_attachment(att, services)
    exif = piexif.load(stored)
    assert not exif["GPS"] and not exif["Exif"] and piexif.ImageIFD.Model not in exif["0th"]
    assert CAMERA not in stored and Image.open(io.BytesIO(stored)).size == (64, 48)
    on_disk = (Path(services.settings.var_dir) / "attachments" / att.path).read_bytes()
    assert b"\xff\xd8\xff" not in on_disk[:64] and b"JFIF" not in on_disk  # sealed, not a JPEG at rest


async def test_wrong_type_is_415_whatever_the_client_claims(user: MiniProgram) -> None:
    filed = await _filed(user)
    pdf = b"%PDF-1.4\n" + b"0" * 200
    r = await _upload(user, filed["upload_token"], form(pdf, ctype="image/jpeg"))
    assert (r.status, r.code) == (415, "unsupported_type")
    html = await _upload(user, filed["upload_token"], form(b"<script>alert(1)</script>", filename="x.png",
                                                           ctype="image/png"))
    assert html.code == "unsupported_type"
    assert await Attachment.all().count() == 0


async def test_oversized_upload_is_413_and_not_stored(user: MiniProgram) -> None:
    filed = await _filed(user)
    big = b"\xff\xd8\xff\xe0" + b"\0" * MAX_BYTES["image"]
    r = await _upload(user, filed["upload_token"], form(big))
    assert (r.status, r.code) == (413, "too_large")
    assert await Attachment.all().count() == 0


async def test_broken_image_is_refused_in_chinese(user: MiniProgram) -> None:
    filed = await _filed(user)
    r = await _upload(user, filed["upload_token"], form(b"\xff\xd8\xff\xe0" + b"garbage" * 50))
    assert (r.status, r.code) == (422, "bad_attachment") and "图片" in r.body["error"]["message"]


async def test_upload_needs_a_valid_unexpired_token(user: MiniProgram, api_config: Any) -> None:
    photo = jpeg_with_gps()
    assert (await _upload(user, "made-up", form(photo))).code == "upload_expired"
    r = await user.post("/api/v1/attachments", None, data=form(photo))
    assert (r.status, r.code) == (401, "upload_expired")
    api_config.upload_ttl_s = 1
    filed = await _filed(user)
    await asyncio.sleep(2.1)
    assert (await _upload(user, filed["upload_token"], form(photo))).code == "upload_expired"


async def test_upload_needs_a_session(user: MiniProgram) -> None:
    filed = await _filed(user)
    user.token = None
    r = await _upload(user, filed["upload_token"], form(jpeg_with_gps()))
    assert (r.status, r.code) == (401, "unauthorized")


async def test_attachments_per_report_are_capped(user: MiniProgram, api_config: Any) -> None:
    api_config.attachments_per_case = 2
    filed = await _filed(user)
    codes = [(await _upload(user, filed["upload_token"], form(jpeg_with_gps()))).status for _ in range(3)]
    assert codes == [201, 201, 409]
    assert await Attachment.filter(case__number=filed["case_number"]).count() == 2


async def test_upload_must_be_multipart_with_a_file_field(user: MiniProgram) -> None:
    filed = await _filed(user)
    r = await user.post("/api/v1/attachments", {"file": "x"}, headers={"X-Upload-Token": filed["upload_token"]})
    assert (r.status, r.code) == (415, "unsupported_type")
    r = await _upload(user, filed["upload_token"], form(jpeg_with_gps(), name="photo"))
    assert (r.status, r.code) == (422, "invalid_request")
    assert await Case.all().count() == 1 and await Attachment.all().count() == 0
