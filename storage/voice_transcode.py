"""A copy of a voice that the panel's browser plays: AMR, Speex, AAC and M4A through Debian's ffmpeg to MP3;
SILK decoded by silk-python (pysilk), then to MP3, or to WAV when there is no ffmpeg.

    playable(data, content_type) -> (bytes, content_type) | None    None: the original plays, or no copy can be made
    can_make(content_type) -> bool                                  whether playable() could make one on this host

The plaintext never touches the disk: ffmpeg reads it from an in-memory file (memfd, seekable as an M4A needs)
and writes MP3 to a pipe, without metadata. A file ffmpeg cannot decode gives None, and the original is kept.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import threading
import wave

NATIVE = frozenset({"audio/mpeg", "audio/wav"})  # every browser plays these as they are
FFMPEG_INPUTS = frozenset({"audio/amr", "audio/speex", "audio/aac", "audio/mp4", "audio/wav"})
SILK_RATE = 24000  # WeChat's SILK voices are sampled at 24 kHz
TIMEOUT_S = 60
RUNS = threading.BoundedSemaphore(2)  # ffmpeg processes at once in this process


class TranscodeFailed(Exception):
    """The voice could not be converted; the message names the step, never the content."""


def ffmpeg_path() -> str | None:
    return shutil.which("ffmpeg")


def can_make(content_type: str) -> bool:
    if content_type in NATIVE:
        return False
    return content_type == "audio/silk" or (content_type in FFMPEG_INPUTS and ffmpeg_path() is not None)


def _to_mp3(data: bytes, ffmpeg: str) -> bytes:
    cmd = [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-i", "", "-vn", "-map_metadata", "-1",
           "-ac", "1", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "64k", "-id3v2_version", "0",
           "-write_xing", "0", "-f", "mp3", "pipe:1"]
    fd = os.memfd_create("qingfeng-voice", 0) if hasattr(os, "memfd_create") else -1
    try:
        if fd >= 0:
            os.write(fd, data)
            cmd[cmd.index("")] = f"/dev/fd/{fd}"
            run = dict(pass_fds=(fd,), stdin=subprocess.DEVNULL)
        else:  # no memfd: a pipe (an M4A whose index is at its end may then not decode)
            cmd[cmd.index("")] = "pipe:0"
            cmd.remove("-nostdin")
            run = dict(input=data)
        with RUNS:
            done = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, check=False,  # type: ignore[call-overload]
                                  **run)
    except subprocess.TimeoutExpired:
        raise TranscodeFailed("ffmpeg timed out") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if done.returncode != 0 or not done.stdout:
        raise TranscodeFailed(f"ffmpeg exited {done.returncode}")
    return bytes(done.stdout)


def _silk_to_wav(data: bytes) -> bytes:
    import pysilk

    pcm = io.BytesIO()
    try:
        pysilk.decode(io.BytesIO(data), pcm, SILK_RATE)
    except Exception as exc:
        raise TranscodeFailed(f"SILK does not decode: {type(exc).__name__}") from None
    if not pcm.getvalue():
        raise TranscodeFailed("SILK decoded to nothing")
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)  # pysilk writes 16-bit little-endian PCM
        w.setframerate(SILK_RATE)
        w.writeframes(pcm.getvalue())
    return out.getvalue()


def playable(data: bytes, content_type: str) -> tuple[bytes, str] | None:
    """A copy the browser plays, or None: the original plays already, or there is no way here (no ffmpeg).
    Raises TranscodeFailed when the file does not decode."""
    if content_type in NATIVE:
        return None
    ffmpeg = ffmpeg_path()
    if content_type == "audio/silk":
        wav = _silk_to_wav(data)
        return (_to_mp3(wav, ffmpeg), "audio/mpeg") if ffmpeg else (wav, "audio/wav")
    if content_type not in FFMPEG_INPUTS or ffmpeg is None:
        return None
    return _to_mp3(data, ffmpeg), "audio/mpeg"
