"""Attachments of reports (SPEC Privacy): type and size checked, metadata stripped, stored encrypted.

    save_attachment(case_id, data, content_type, kind, services, transcript=None) -> Attachment
    read_attachment(att, services) -> bytes
    ensure_playable(att, services) -> Attachment | None    the copy of a voice the panel's browser plays

The type is decided by the bytes, not by what the sender claims. Images are
decoded and re-encoded from their pixels alone, so EXIF (GPS, camera, time),
ICC and text chunks do not survive; MP3 ID3 tags are cut. The plaintext's
sha256 is kept so a read can prove the file is the one stored. Files live under
`settings.var_dir/attachments/<case>/<random>.bin`, sealed with the data key.

A voice is kept exactly as sent (with WeChat's recognition as its transcript, so a
dialect mistake can be checked against the sound), and beside it, when it is not
MP3, a copy the browser plays (storage.voice_transcode): another row, sealed the
same way, whose `derived_from` is the original. Without ffmpeg the original stays
alone, and the copy is made the first time the panel shows it on a host that can.
"""
from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import os
import secrets
import threading
from pathlib import Path
from typing import Any, Protocol

from storage.crypto import PersonalDataCipher
from storage.models import Attachment
from storage.mp4 import is_m4a, is_mp4, strip_metadata
from storage.voice_check import voice_problem

log = logging.getLogger("qingfeng.attachments")


class AttachmentContext(Protocol):
    """What these functions use of the process's runtime: the cipher and the data directory."""

    cipher: PersonalDataCipher

    @property
    def settings(self) -> Any: ...  # its `var_dir` holds attachments/

MAX_BYTES = {"image": 10 * 1024 * 1024, "voice": 2 * 1024 * 1024, "video": 10 * 1024 * 1024}  # WeChat's limits
# A decompression bomb is refused from its header, before any pixel is decoded: 24 MP is more than any
# phone sends through WeChat (which scales photos down itself); a 6300×6300 all-zero PNG of 150 KB is not.
MAX_PIXELS = 24_000_000
MAX_SIDE = 4096  # JPEGs are decoded straight at a reduced scale (draft) to at most this side
# Decodes at once in this process: each may hold ~100 MB of pixels, so a burst of uploads stays bounded.
DECODES = threading.BoundedSemaphore(2)
KIND_OF = {"image/jpeg": "image", "image/png": "image", "audio/amr": "voice", "audio/mpeg": "voice",
           "audio/speex": "voice", "audio/silk": "voice", "audio/aac": "voice", "audio/mp4": "voice",
           "video/mp4": "video"}
MAX_TRANSCRIPT = 2000
ALLOWED_TYPES = frozenset(KIND_OF)


class AttachmentRejected(Exception):
    """Bad input: `reason_cn` for the villager, `reason_admin` for staff and logs (no content)."""

    def __init__(self, reason_cn: str, reason_admin: str) -> None:
        super().__init__(reason_admin)
        self.reason_cn = reason_cn
        self.reason_admin = reason_admin


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are, among those we accept."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"#!AMR"):
        return "audio/amr"
    if data.startswith(b"#!SILK_V3") or data.startswith(b"\x02#!SILK_V3"):
        return "audio/silk"
    if len(data) > 1 and data[0] == 0xFF and data[1] & 0xF6 == 0xF0:  # ADTS: MPEG sync with layer 0
        return "audio/aac"
    if is_m4a(data):
        return "audio/mp4"
    if data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if data.startswith(b"OggS") and b"Speex   " in data[:128] or data.startswith(b"Speex   "):
        return "audio/speex"
    if is_mp4(data):
        return "video/mp4"
    return None


def _clean_image(data: bytes, content_type: str) -> bytes:
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise AttachmentRejected("图片太大了,请换一张。", f"image of {probe.width}x{probe.height} pixels")
            probe.verify()
        with DECODES, Image.open(io.BytesIO(data)) as img:
            if img.format == "JPEG":
                img.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode at 1/2, 1/4… scale: less memory and time
            img = ImageOps.exif_transpose(img)  # keep the photo upright once the orientation tag is gone
            mode = img.mode if img.mode in ("RGB", "RGBA", "L", "LA", "P") else "RGB"
            img = img.convert(mode)
            # A fresh image from the pixels alone carries no EXIF, GPS, ICC or text chunks.
            bare = Image.frombytes(img.mode, img.size, img.tobytes())
            if img.mode == "P":
                bare.putpalette(img.getpalette() or [])
    except AttachmentRejected:
        raise
    except Exception as exc:
        raise AttachmentRejected("图片无法打开,请重新拍一张发送。", f"image does not decode: {type(exc).__name__}") from None
    out = io.BytesIO()
    if content_type == "image/jpeg":
        bare.convert("RGB").save(out, format="JPEG", quality=88)
    else:
        bare.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _strip_id3(data: bytes) -> bytes:
    if data.startswith(b"ID3") and len(data) > 10:
        size = (data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F)
        data = data[10 + size:]
    if len(data) >= 128 and data[-128:-125] == b"TAG":
        data = data[:-128]
    return data


def check_and_clean(data: bytes, content_type: str, kind: str) -> tuple[bytes, str]:
    """The bytes to store and their real type; raises AttachmentRejected."""
    if kind not in MAX_BYTES:
        raise AttachmentRejected("只能发送图片、视频或语音。", f"unknown attachment kind {kind!r}")
    if not data:
        raise AttachmentRejected("文件是空的,请重新发送。", "empty attachment")
    if len(data) > MAX_BYTES[kind]:
        limit_mb = MAX_BYTES[kind] // (1024 * 1024)
        raise AttachmentRejected(f"文件太大了(不能超过{limit_mb}MB),请换一个。",
                                 f"{kind} of {len(data)} bytes over the {MAX_BYTES[kind]} cap")
    real = sniff(data)
    if real is None or KIND_OF[real] != kind:
        claimed = (content_type or "").split(";")[0].strip().lower()
        raise AttachmentRejected("只能发送照片(jpg、png)、视频(mp4)或语音。",
                                 f"{kind}: bytes are {real or 'of no accepted type'}, claimed {claimed or 'nothing'}")
    if kind == "image":
        return _clean_image(data, real), real
    if kind == "video":
        try:
            return strip_metadata(data), real
        except ValueError as exc:
            raise AttachmentRejected("视频文件无法打开,请重新发送。", f"video refused: {exc}") from None
    body = _strip_id3(data) if real in ("audio/mpeg", "audio/aac") else data
    problem = voice_problem(body, real)
    if problem:
        raise AttachmentRejected("语音文件无法播放,请重新录一段。", f"voice refused: {problem}")
    return (strip_metadata(body) if real == "audio/mp4" else body), real


def attachment_root(var_dir: Path) -> Path:
    """Where the sealed files live (the key rotation reseals them in place)."""
    return Path(var_dir) / "attachments"


def _write(path: Path, blob: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        fh.write(blob)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


async def _store(case_id: int, clean: bytes, content_type: str, kind: str, services: AttachmentContext,
                 **row: Any) -> Attachment:
    blob = services.cipher.seal_bytes(clean)
    rel = f"{case_id}/{secrets.token_hex(16)}.bin"
    await asyncio.to_thread(_write, attachment_root(services.settings.var_dir) / rel, blob)
    return await Attachment.create(case_id=case_id, kind=kind, content_type=content_type, size=len(clean),
                                   path=rel, sha256=hashlib.sha256(clean).hexdigest(), **row)


async def save_attachment(case_id: int, data: bytes, content_type: str, kind: str, services: AttachmentContext,
                          transcript: str | None = None) -> Attachment:
    """Check, clean, encrypt and store one file of a case; raises AttachmentRejected for bad input.
    A voice gets its playable copy at once when this host can make one."""
    clean, real_type = await asyncio.to_thread(check_and_clean, data, content_type, kind)
    att = await _store(case_id, clean, real_type, kind, services,
                       transcript=(transcript or "").strip()[:MAX_TRANSCRIPT] or None)
    if kind == "voice":
        await _make_playable(att, clean, services)
    return att


async def _make_playable(att: Attachment, clean: bytes, services: AttachmentContext) -> Attachment | None:
    from storage.voice_transcode import TranscodeFailed, playable

    try:
        copy = await asyncio.to_thread(playable, clean, att.content_type)
    except TranscodeFailed as exc:  # the original is kept and offered for download
        log.warning("attachment %s: no playable copy: %s", att.id, exc)
        return None
    if copy is None:
        return None
    return await _store(att.case_id, copy[0], copy[1], att.kind, services, derived_from_id=att.id)


async def ensure_playable(att: Attachment, services: AttachmentContext) -> Attachment | None:
    """The copy of voice `att` that a browser plays: the one stored, else made now if this host can
    (ffmpeg installed since the voice came in); None when the original plays as it is, or nothing can."""
    from storage.voice_transcode import can_make

    if att.kind != "voice" or att.derived_from_id is not None:
        return None
    stored = await Attachment.filter(derived_from_id=att.id).order_by("id").first()
    if stored is not None or not can_make(att.content_type):
        return stored
    return await _make_playable(att, await read_attachment(att, services), services)


async def read_attachment(att: Attachment, services: AttachmentContext) -> bytes:
    """The stored plaintext; raises DecryptionError or ValueError if the file was tampered with."""
    root = attachment_root(services.settings.var_dir)
    path = (root / att.path).resolve()
    if root.resolve() not in path.parents:
        raise ValueError("attachment path outside the attachments directory")
    blob = await asyncio.to_thread(path.read_bytes)
    data = services.cipher.open_bytes(blob)
    if hashlib.sha256(data).hexdigest() != att.sha256:
        raise ValueError("attachment content does not match its recorded sha256")
    return data
