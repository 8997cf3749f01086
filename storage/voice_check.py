"""Voice files are walked frame by frame, not trusted by their first bytes (issue 20 item 13).

    voice_problem(data, content_type) -> str | None    None: every byte belongs to a valid frame

AMR (RFC 4867 storage format, NB and WB), MP3 (MPEG-1/2/2.5 layer III frames),
Speex (Ogg pages, or a bare Speex header), SILK (Skype's "#!SILK_V3" framing,
with the leading 0x02 byte Tencent's clients write), AAC in ADTS frames and AAC
in an MP4 (M4A) box tree are the formats WeChat and the mini-program record. A
file that only starts like one ("#!AMR" then anything) is refused.
"""
from __future__ import annotations

import struct

# Frame sizes including the one-byte header, by frame type; None: a reserved type.
_AMR_NB = (13, 14, 16, 18, 20, 21, 27, 32, 6, None, None, None, None, None, None, 1)
_AMR_WB = (18, 24, 33, 37, 41, 47, 51, 59, 61, 6, None, None, None, None, 1, 1)
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}  # version bits
_MP3_KBPS = {3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
             2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}


def _amr(data: bytes) -> str | None:
    wb = data.startswith(b"#!AMR-WB\n")
    if not wb and not data.startswith(b"#!AMR\n"):
        return "no AMR magic line"
    sizes = _AMR_WB if wb else _AMR_NB
    pos, frames = (9 if wb else 6), 0
    while pos < len(data):
        head = data[pos]
        size = sizes[(head >> 3) & 0x0F]
        if head & 0x83 or size is None:
            return f"bad AMR frame header at byte {pos}"
        if pos + size > len(data):
            return f"AMR frame cut short at byte {pos}"
        pos += size
        frames += 1
    return None if frames else "AMR file without frames"


def _mp3_frame(data: bytes, pos: int) -> int:
    """Length of the layer III frame at `pos`, or 0 when there is none."""
    if pos + 4 > len(data):
        return 0
    h = struct.unpack(">I", data[pos:pos + 4])[0]
    version, layer, kbps_i, rate_i, pad = (h >> 19) & 3, (h >> 17) & 3, (h >> 12) & 15, (h >> 10) & 3, (h >> 9) & 1
    if h >> 21 != 0x7FF or version == 1 or layer != 1 or kbps_i in (0, 15) or rate_i == 3:
        return 0
    kbps = _MP3_KBPS[3 if version == 3 else 2][kbps_i]
    rate = _MP3_RATES[version][rate_i]
    return (144 if version == 3 else 72) * kbps * 1000 // rate + pad


def _mp3(data: bytes) -> str | None:
    pos, frames = 0, 0
    while pos < len(data):
        size = _mp3_frame(data, pos)
        if not size:
            return f"no MP3 frame at byte {pos}"
        if pos + size > len(data) and frames == 0:
            return "MP3 frame cut short"
        pos += size
        frames += 1
    return None if frames else "MP3 file without frames"


def _ogg(data: bytes) -> str | None:
    pos, pages = 0, 0
    while pos < len(data):
        if data[pos:pos + 5] != b"OggS\x00" or pos + 27 > len(data):
            return f"no Ogg page at byte {pos}"
        nsegs = data[pos + 26]
        table = data[pos + 27:pos + 27 + nsegs]
        end = pos + 27 + nsegs + sum(table)
        if len(table) != nsegs or end > len(data):
            return f"Ogg page cut short at byte {pos}"
        if pages == 0 and not data[pos + 27 + nsegs:].startswith(b"Speex   "):
            return "Ogg stream is not Speex"
        pos, pages = end, pages + 1
    return None


def _speex_header(data: bytes) -> str | None:
    if len(data) <= 80:
        return "Speex header cut short"
    header_size, rate = struct.unpack("<ii", data[32:40])
    return None if header_size == 80 and rate in (8000, 16000, 32000) else "bad Speex header"


def _silk(data: bytes) -> str | None:
    pos = 1 if data.startswith(b"\x02") else 0
    if data[pos:pos + 9] != b"#!SILK_V3":
        return "no SILK magic line"
    pos, frames = pos + 9, 0
    while pos + 2 <= len(data):
        size = int.from_bytes(data[pos:pos + 2], "little", signed=True)
        if size == -1:  # the end marker some encoders write
            break
        if size <= 0 or pos + 2 + size > len(data):
            return f"bad SILK frame at byte {pos}"
        pos += 2 + size
        frames += 1
    return None if frames else "SILK file without frames"


def _adts(data: bytes) -> str | None:
    pos, frames = 0, 0
    while pos < len(data):
        head = data[pos:pos + 7]
        if len(head) < 7 or head[0] != 0xFF or head[1] & 0xF6 != 0xF0:
            return f"no ADTS frame at byte {pos}"
        size = (head[3] & 0x03) << 11 | head[4] << 3 | head[5] >> 5
        if size < 7 or pos + size > len(data):
            return f"ADTS frame cut short at byte {pos}"
        pos += size
        frames += 1
    return None if frames else "AAC file without frames"


def _m4a(data: bytes) -> str | None:
    from storage.mp4 import strip_metadata

    try:
        strip_metadata(data)
    except ValueError as exc:
        return f"M4A refused: {exc}"
    return None


def voice_problem(data: bytes, content_type: str) -> str | None:
    if content_type == "audio/amr":
        return _amr(data)
    if content_type == "audio/mpeg":
        return _mp3(data)
    if content_type == "audio/speex":
        return _ogg(data) if data.startswith(b"OggS") else _speex_header(data)
    if content_type == "audio/silk":
        return _silk(data)
    if content_type == "audio/aac":
        return _adts(data)
    if content_type == "audio/mp4":
        return _m4a(data)
    return f"{content_type} is not a voice type"
