"""What the case page shows of a case's files: photos and videos, and each voice with a player and its transcript.

    attachment_views(case, services) -> list[AttachmentView]   the originals, in the order they came
    download_name(att) -> str                                   the (ASCII) file name a download is saved under

A voice plays from its browser copy (storage.attachments.ensure_playable: MP3, or WAV for SILK without
ffmpeg), or as it is when the browser plays the original (MP3); otherwise the page offers the original for
download and says why it does not play. WeChat's recognition stands beside the player so staff can check it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from storage.attachments import ensure_playable
from storage.models import Attachment, Case

log = logging.getLogger("qingfeng.admin")

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "video/mp4": "mp4", "audio/amr": "amr", "audio/mpeg": "mp3",
              "audio/speex": "spx", "audio/silk": "silk", "audio/aac": "aac", "audio/mp4": "m4a", "audio/wav": "wav"}
KIND_NAMES = {"image": "照片", "voice": "语音", "video": "视频"}
BROWSER_PLAYS = frozenset({"audio/mpeg", "audio/wav"})


@dataclass(frozen=True)
class AttachmentView:
    att: Attachment
    name: str  # 照片 / 语音 / 视频
    play_id: int | None  # the attachment an <audio> element plays; None: download only
    play_type: str
    transcript: str  # WeChat's recognition of a voice, "" when there was none


def download_name(att: Attachment) -> str:
    """ASCII only: it goes into a header."""
    return f"{att.kind if att.kind in KIND_NAMES else 'attachment'}-{att.id}.{EXTENSIONS.get(att.content_type, 'bin')}"


async def attachment_views(case: Case, services: Any) -> list[AttachmentView]:
    out: list[AttachmentView] = []
    for att in await Attachment.filter(case_id=case.id, derived_from_id=None).order_by("id"):
        play_id, play_type = None, ""
        if att.kind == "voice":
            if att.content_type in BROWSER_PLAYS:
                play_id, play_type = att.id, att.content_type
            elif (copy := await _playable(att, services)) is not None:
                play_id, play_type = copy.id, copy.content_type
        out.append(AttachmentView(att, KIND_NAMES.get(att.kind, "附件"), play_id, play_type, att.transcript or ""))
    return out


async def _playable(att: Attachment, services: Any) -> Attachment | None:
    try:
        return await ensure_playable(att, services)
    except (OSError, ValueError) as exc:  # an unreadable original: the page still shows, with the download link
        log.warning("attachment %s: %s", att.id, type(exc).__name__)
        return None
