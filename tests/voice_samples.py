"""Voices as phones and the mini-program recorder write them, made by real encoders in the test:
AAC (ADTS and M4A) by Debian's ffmpeg, SILK by silk-python; and ffprobe's word on what a file is."""
from __future__ import annotations

import array
import io
import json
import math
import shutil
import subprocess

import pytest

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
                                  reason="Debian's ffmpeg is not installed (.ci/run installs it)")


def _ffmpeg(*out_args: str, seconds: float = 1.0) -> bytes:
    done = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                           f"sine=frequency=440:sample_rate=16000:duration={seconds}", "-ac", "1", *out_args],
                          capture_output=True, check=True, timeout=60)
    return done.stdout


def aac_adts(seconds: float = 1.0) -> bytes:
    """What the recorder's format 'aac' gives on Android: bare ADTS frames."""
    return _ffmpeg("-c:a", "aac", "-b:a", "32k", "-f", "adts", "pipe:1", seconds=seconds)


def aac_m4a(path: str, seconds: float = 1.0) -> bytes:
    """What it gives on iOS: AAC in an M4A box tree (moov written at the end, as a recorder does)."""
    subprocess.run(["ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                    f"sine=frequency=440:sample_rate=16000:duration={seconds}", "-ac", "1", "-c:a", "aac",
                    "-f", "ipod", path], check=True, timeout=60)
    with open(path, "rb") as fh:
        return fh.read()


def mp3(seconds: float = 1.0) -> bytes:
    return _ffmpeg("-c:a", "libmp3lame", "-b:a", "32k", "-f", "mp3", "pipe:1", seconds=seconds)


def silk(seconds: float = 1.0, rate: int = 24000) -> bytes:
    """A SILK voice with Tencent's leading 0x02 byte, as WeChat clients write it."""
    import pysilk

    pcm = array.array("h", [int(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(int(rate * seconds))])
    out = io.BytesIO()
    pysilk.encode(io.BytesIO(pcm.tobytes()), out, rate, 24000, tencent=True)
    return out.getvalue()


def ffprobe(data: bytes) -> dict:
    """ffprobe's reading of a file: its container and first stream's codec, and the duration in seconds."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".bin") as fh:  # a file, not a pipe: the duration needs the size
        fh.write(data)
        fh.flush()
        done = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                               "format=format_name,duration:stream=codec_name", "-of", "json", fh.name],
                              capture_output=True, check=True, timeout=60)
    doc = json.loads(done.stdout)
    return {"format": doc["format"]["format_name"], "codec": doc["streams"][0]["codec_name"],
            "duration": float(doc["format"].get("duration") or 0)}
