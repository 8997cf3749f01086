"""The case page plays a villager's voice (issue 17): a copy the browser plays, WeChat's recognition beside
it, the original for download; without ffmpeg the original is offered, not an error."""
from __future__ import annotations

import re
import shutil
from typing import Any

import pytest

from bot.fake_media import FAKE_AMR
from storage.attachments import save_attachment
from storage.models import Attachment
from tests.admin.conftest import file_case, signed_in
from tests.voice_samples import aac_adts, aac_m4a, ffprobe, needs_ffmpeg, silk

NANBA, HUJIA = "610798101", "610798101201"
HEARD = "村会计把低保名额给了他侄子"
AUDIO = re.compile(r'<audio controls preload="none" src="(/admin/cases/\d+/attachments/(\d+))" data-type="([^"]+)">')


async def _case_with(services: Any, data: bytes, ctype: str, transcript: str | None = None) -> tuple[Any, Any]:
    case = await file_case(services, "胡家庄村会计把低保名额给了亲戚", township=NANBA, village=HUJIA)
    return case, await save_attachment(case.id, data, ctype, "voice", services, transcript=transcript)


@needs_ffmpeg
@pytest.mark.parametrize("kind", ["amr", "aac", "m4a", "silk"])
async def test_case_page_plays_a_transcoded_voice_with_its_transcript(kind: str, services: Any, accounts: Any,
                                                                     panel_factory: Any, tmp_path: Any) -> None:
    data, ctype = {"amr": (FAKE_AMR, "audio/amr"), "aac": (aac_adts(), "audio/aac"),
                   "m4a": (aac_m4a(str(tmp_path / "r.m4a")), "audio/mp4"), "silk": (silk(), "audio/silk")}[kind]
    case, voice = await _case_with(services, data, ctype, HEARD)
    panel = await signed_in(panel_factory, services, "nanba_staff")
    status, page = await panel.get(f"/admin/cases/{case.id}")
    assert status == 200
    m = AUDIO.search(page)
    assert m and int(m.group(2)) != voice.id and m.group(3) == "audio/mpeg", page[-3000:]
    assert HEARD in page and "以原声为准" in page  # the recognition beside the player, marked as checkable
    status, played, content_type = await panel.get_bytes(m.group(1))
    assert status == 200 and content_type == "audio/mpeg" and played[:2] == b"\xff\xfb"  # MPEG-1 layer III
    probe = ffprobe(played)
    assert probe["format"] == "mp3" and probe["codec"] == "mp3" and probe["duration"] > 0
    status, original, _ = await panel.get_bytes(f"/admin/cases/{case.id}/attachments/{voice.id}?download=1")
    assert status == 200 and (original == data or kind == "m4a")  # an M4A loses only its metadata boxes
    assert original[:12] == data[:12]


async def test_without_ffmpeg_the_original_is_offered_for_download(services: Any, accounts: Any, panel_factory: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)  # a host where ffmpeg is not installed
    case, voice = await _case_with(services, FAKE_AMR, "audio/amr")
    assert await Attachment.filter(derived_from_id=voice.id).count() == 0  # no copy, and no error: kept as sent
    panel = await signed_in(panel_factory, services, "nanba_staff")
    status, page = await panel.get(f"/admin/cases/{case.id}")
    assert status == 200 and "<audio" not in page and "下载原声" in page and "ffmpeg" in page
    assert "微信未识别出文字" in page
    async with panel.http.get(f"{panel.base}/admin/cases/{case.id}/attachments/{voice.id}?download=1") as r:
        assert r.status == 200 and await r.read() == FAKE_AMR
        assert r.headers["Content-Disposition"] == f'attachment; filename="voice-{voice.id}.amr"'


@needs_ffmpeg
async def test_a_voice_kept_before_ffmpeg_was_installed_plays_once_it_is(services: Any, accounts: Any,
                                                                         panel_factory: Any,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    case, voice = await _case_with(services, FAKE_AMR, "audio/amr")
    monkeypatch.setattr(shutil, "which", real_which)
    panel = await signed_in(panel_factory, services, "nanba_staff")
    status, page = await panel.get(f"/admin/cases/{case.id}")
    m = AUDIO.search(page)
    assert status == 200 and m and await Attachment.filter(derived_from_id=voice.id).count() == 1


async def test_silk_plays_as_wav_even_without_ffmpeg(services: Any, accounts: Any, panel_factory: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    case, _ = await _case_with(services, silk(), "audio/silk")
    panel = await signed_in(panel_factory, services, "nanba_staff")
    _, page = await panel.get(f"/admin/cases/{case.id}")
    m = AUDIO.search(page)
    assert m and m.group(3) == "audio/wav"
    status, played, content_type = await panel.get_bytes(m.group(1))
    assert status == 200 and content_type == "audio/wav" and played[:4] == b"RIFF" and played[8:12] == b"WAVE"
