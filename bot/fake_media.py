"""What a villager's photo, voice or video looks like to us: small real files, as phones write them.

The fake WeChat API serves them as downloaded media; tests look for their metadata after stripping.
"""
from __future__ import annotations

import io

FAKE_CAMERA = "FakePhone QF-1"  # the EXIF camera model in every fake photo: tests look for it after stripping
FAKE_AMR = b"#!AMR\n" + bytes([0x3C]) + bytes(31) + bytes([0x3C]) + bytes(31)  # two silent AMR-NB frames
FAKE_VIDEO_PLACE = b"+30.6701+104.0503/"  # the ISO 6709 position a phone writes into an MP4's udta


def _box(kind: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def fake_video() -> bytes:
    """A small MP4 as a phone writes it: ftyp, moov with a udta holding the position (©xyz), mdat."""
    udta = _box(b"udta", _box(b"\xa9xyz", len(FAKE_VIDEO_PLACE).to_bytes(2, "big") + b"\x15\xc7" + FAKE_VIDEO_PLACE))
    moov = _box(b"moov", _box(b"mvhd", bytes(100)) + udta)
    return _box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41") + moov + _box(b"mdat", bytes(64))


def fake_photo() -> bytes:
    """A small real JPEG carrying EXIF with a camera model and GPS position, as phones write them."""
    from PIL import Image

    img = Image.new("RGB", (32, 24), (90, 140, 60))
    exif = Image.Exif()
    exif[0x0110] = FAKE_CAMERA  # Model
    exif[0x8825] = {1: "N", 2: (30.0, 40.0, 12.5), 3: "E", 4: (104.0, 3.0, 1.0)}  # GPSInfo
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()
