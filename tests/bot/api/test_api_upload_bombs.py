"""Uploads an attacker crafts (issue 20 items 7 and 13): refused from their headers and frames, not decoded."""
from __future__ import annotations

import os
import struct
import zlib
from typing import Any

from bot.fake_wechat import FAKE_AMR
from storage.models import Attachment
from tests.bot.api.conftest import MiniProgram
from tests.bot.api.test_api_uploads import _filed, _upload, form


def zero_png(width: int, height: int) -> bytes:
    """An all-black RGB PNG: ~150 KB on the wire for 6300×6300, ~120 MB of pixels once decoded."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    z = zlib.compressobj(9)
    row = bytes(1 + width * 3)
    idat = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


async def test_decompression_bomb_png_is_refused_from_its_header(user: MiniProgram) -> None:
    bomb = zero_png(6300, 6300)
    assert len(bomb) < 200 * 1024
    filed = await _filed(user)
    r = await _upload(user, filed["upload_token"], form(bomb, filename="a.png", ctype="image/png"))
    assert (r.status, r.code) == (422, "bad_attachment")
    assert r.body["error"]["message"] == "图片太大了,请换一张。"  # refused by its size, before decoding
    assert not await Attachment.exists()


async def test_voice_that_only_starts_like_amr_is_refused(user: MiniProgram) -> None:
    filed = await _filed(user)
    for fake in (b"#!AMR\n" + os.urandom(4000), FAKE_AMR + b"<script>alert(1)</script>", b"ID3" + os.urandom(900),
                 b"OggS" + os.urandom(500)):
        r = await _upload(user, filed["upload_token"], form(fake, filename="v.amr", ctype="audio/amr"))
        assert (r.status, r.code) in ((422, "bad_attachment"), (415, "unsupported_type")), fake[:8]
    assert not await Attachment.exists()
    r = await _upload(user, filed["upload_token"], form(FAKE_AMR, filename="v.amr", ctype="audio/amr"))
    assert r.status == 201 and r.body["kind"] == "voice"
