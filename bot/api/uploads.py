"""Attachments of a report, one file per request as wx.uploadFile sends them.

    POST /api/v1/attachments   multipart/form-data, field "file"; header X-Upload-Token (from filing)

The upload token names the case, so no session is ever tied to an anonymous
report. The bytes decide the type (jpg, png; mp4 video; voice as the chat accepts,
and the mini-program recorder's AAC, M4A, MP3 and SILK); images are re-encoded
without EXIF/GPS and everything is stored encrypted by
storage.attachments.save_attachment, a voice with a copy the panel plays.
"""
from __future__ import annotations

from aiohttp import BodyPartReader, web
from pydantic import BaseModel

from bot.api.errors import fail
from bot.api.routing import ApiRoutes, Call, token_hash
from storage import keys
from storage.models import Attachment

routes = ApiRoutes("reports")
TOKEN_HEADER = "X-Upload-Token"
CHUNK = 64 * 1024


class AttachmentOut(BaseModel):
    kind: str
    content_type: str
    size: int
    count: int  # attachments the report now has


async def _read_file(request: web.Request, cap: int) -> bytes:
    if request.content_type != "multipart/form-data":
        raise fail("unsupported_type", "请用 multipart/form-data 上传文件。")
    try:
        reader = await request.multipart()
        part = await reader.next()
    except (ValueError, AssertionError, RuntimeError):  # a broken multipart body
        raise fail("bad_request") from None
    if not isinstance(part, BodyPartReader) or part.name != "file":
        raise fail("invalid_request", "请求内容不正确:file")
    data = bytearray()
    while chunk := await part.read_chunk(CHUNK):
        data += chunk
        if len(data) > cap:  # stop reading: the rest of a huge body is never held
            raise fail("too_large")
    return bytes(data)


@routes.post("/attachments", response=AttachmentOut, status=201, multipart={"file": "一张照片(jpg、png)、一段视频(mp4)或一段语音(录音 aac、m4a、mp3,amr、silk、speex)"},
             headers={TOKEN_HEADER: "提交反映时返回的 upload_token"},
             errors=("upload_expired", "too_many_attachments", "bad_attachment"), summary="为刚提交的反映上传附件")
async def upload(call: Call) -> AttachmentOut:
    from storage.attachments import KIND_OF, MAX_BYTES, AttachmentRejected, save_attachment, sniff

    token = call.request.headers.get(TOKEN_HEADER, "").strip()
    raw = await call.services.redis.get(keys.api_upload(token_hash(token))) if token else None
    if raw is None:
        raise fail("upload_expired")
    case_ref, _, purpose = raw.decode().partition(":")
    case_id = int(case_ref)
    if purpose:  # added after filing: only while the case is open, and on its timeline
        from bot.api.supplements import check_open

        await check_open(case_id)
    count = await Attachment.filter(case_id=case_id, derived_from_id=None).count()  # playable copies not counted
    if count >= call.config.attachments_per_case:
        raise fail("too_many_attachments")
    data = await _read_file(call.request, max(MAX_BYTES.values()))
    real = sniff(data)
    if real is None:
        raise fail("unsupported_type", "只能上传照片(jpg、png)、视频(mp4)或语音(aac、m4a、mp3、amr、silk)。")
    kind = KIND_OF[real]
    if len(data) > MAX_BYTES[kind]:
        raise fail("too_large", f"文件太大了(不能超过{MAX_BYTES[kind] // (1024 * 1024)}MB)。")
    try:
        att = await save_attachment(case_id, data, real, kind, call.services)
    except AttachmentRejected as exc:
        raise fail("bad_attachment", exc.reason_cn) from None
    if purpose:
        from bot.api.supplements import attached

        await attached(case_id, att.kind, call)
    return AttachmentOut(kind=att.kind, content_type=att.content_type, size=att.size, count=count + 1)
