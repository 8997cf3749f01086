"""MP4 videos and M4A audio as evidence: recognised by their boxes, kept without what a phone writes of the sender.

Phones put the place (`©xyz`, ISO 6709), the device and the time in `udta` and `meta` boxes. Each
such box — at the top, in `moov` and in every `trak` — becomes a `free` box of the same size with its
content zeroed: players skip `free` boxes, and no offset in the file moves, so the video still plays.
"""
from __future__ import annotations

CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"edts"}  # walked into, looking for metadata
METADATA = {b"udta", b"meta"}
_FTYP_BRANDS = (b"isom", b"iso2", b"mp41", b"mp42", b"avc1", b"M4V ", b"3gp4", b"3gp5", b"qt  ")
_AUDIO_BRANDS = (b"M4A ", b"M4B ")  # the mini-program recorder's AAC on iOS comes in this box tree


def is_mp4(data: bytes) -> bool:
    return len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in _FTYP_BRANDS


def is_m4a(data: bytes) -> bool:
    return len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in _AUDIO_BRANDS


def _boxes(buf: bytearray, start: int, end: int) -> list[tuple[int, int, bytes]]:
    """(offset, size, type) of each box between start and end; ValueError when they do not tile it."""
    out, pos = [], start
    while pos < end:
        if end - pos < 8:
            raise ValueError("truncated box header")
        size, kind = int.from_bytes(buf[pos:pos + 4], "big"), bytes(buf[pos + 4:pos + 8])
        header = 8
        if size == 1:  # a 64-bit size follows
            if end - pos < 16:
                raise ValueError("truncated box header")
            size, header = int.from_bytes(buf[pos + 8:pos + 16], "big"), 16
        elif size == 0:  # to the end of the file
            size = end - pos
        if size < header or pos + size > end:
            raise ValueError(f"box {kind!r} overruns its parent")
        out.append((pos, size, kind))
        pos += size
    return out


def _scrub(buf: bytearray, start: int, end: int, depth: int = 0) -> int:
    if depth > 8:
        raise ValueError("boxes nested too deep")
    removed = 0
    for pos, size, kind in _boxes(buf, start, end):
        if kind in METADATA:
            buf[pos + 4:pos + 8] = b"free"
            buf[pos + 8:pos + size] = bytes(size - 8)
            removed += 1
        elif kind in CONTAINERS:
            removed += _scrub(buf, pos + 8, pos + size, depth + 1)
    return removed


def strip_metadata(data: bytes) -> bytes:
    """The same video (or M4A audio) with its metadata boxes blanked; ValueError for a file that is not a sound MP4."""
    if not (is_mp4(data) or is_m4a(data)):
        raise ValueError("not an MP4 file")
    buf = bytearray(data)
    _scrub(buf, 0, len(buf))
    if not any(kind == b"moov" for _, _, kind in _boxes(buf, 0, len(buf))):
        raise ValueError("no moov box")
    return bytes(buf)
