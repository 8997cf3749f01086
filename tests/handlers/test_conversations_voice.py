"""Voice end to end through the chat (issue 17): the sound is kept whether or not WeChat recognised it,
with the recognition beside it and a copy the panel's browser plays; an unrecognised voice is explained."""
from __future__ import annotations

from typing import Any

from bot.fake_media import FAKE_AMR
from handlers import report_texts as T
from storage.attachments import read_attachment
from storage.models import Attachment, Case
from tests.handlers.conftest import Villager, confirmed
from tests.voice_samples import ffprobe, needs_ffmpeg

HEARD = "胡家庄村会计把低保名额给了自己亲戚"


async def _voices(services: Any) -> list[Attachment]:
    await services.drain()  # media are fetched after the filing, in the background
    case = await Case.get()
    return await Attachment.filter(case_id=case.id, kind="voice", derived_from_id=None).order_by("id")


@needs_ffmpeg
async def test_recognised_voice_keeps_its_sound_beside_the_words(villager: Villager, services: Any) -> None:
    await villager.one("举报")
    heard = await villager.one(kind="voice", recognition=HEARD, media_id="voice-heard-1")
    assert HEARD in heard and "听错" in heard  # the villager sees what WeChat heard and can correct it
    await villager.one("好了")
    await confirmed(villager)
    await villager.one("2")
    [voice] = await _voices(services)
    assert (await Case.get()).text == HEARD
    assert voice.content_type == "audio/amr" and voice.transcript == HEARD
    assert await read_attachment(voice, services) == FAKE_AMR  # the sound as sent, for a dialect to be checked
    copy = await Attachment.get(derived_from_id=voice.id)
    played = await read_attachment(copy, services)
    assert copy.content_type == "audio/mpeg" and played[:2] == b"\xff\xfb"  # an MPEG-1 layer III frame
    assert ffprobe(played)["format"] == "mp3"


async def test_unrecognised_voice_is_kept_and_the_villager_told_what_to_do(villager: Villager,
                                                                          services: Any) -> None:
    first = await villager.one(kind="voice", media_id="voice-dialect-1")  # no Recognition: dialect, noise
    assert first == T.VOICE_FIRST and "没能转成文字" in first and "文字" in first
    only_voice = await villager.one("好了")
    assert only_voice == T.VOICE_ONLY and await Case.all().count() == 0  # asked for a line, nothing lost
    assert await villager.one(kind="voice", media_id="voice-dialect-2") == T.VOICE_UNRECOGNISED
    await villager.one("胡家庄村会计把我家低保扣了一半")
    assert (await villager.one("好了")).startswith("您反映的是")
    await confirmed(villager)
    assert "QF" in await villager.one("2")
    voices = await _voices(services)
    assert len(voices) == 2 and all(v.transcript is None for v in voices)
    assert [await read_attachment(v, services) for v in voices] == [FAKE_AMR, FAKE_AMR]


async def test_recognised_voice_that_starts_a_report_keeps_its_sound(villager: Villager, services: Any) -> None:
    assert await villager.one(kind="voice", recognition="胡家庄村的村支书把我家低保扣了",
                              media_id="voice-first-1") == T.STARTED_WITH_TEXT
    await villager.one("好了")
    await confirmed(villager)
    await villager.one("2")
    [voice] = await _voices(services)
    assert voice.transcript == "胡家庄村的村支书把我家低保扣了"
