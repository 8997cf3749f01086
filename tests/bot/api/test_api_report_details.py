"""Issue 17 through the mini-program API: the category's questions offered by /categories and answered with
the report (sealed, shown to staff), and the recorder's voices (AAC, M4A, MP3, SILK) accepted as attachments."""
from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from handlers.cases.filing import open_answers
from storage.attachments import read_attachment
from storage.models import Attachment, Case
from tests.bot.api.conftest import HUJIAZHUANG, MiniProgram
from tests.handlers.conftest import all_rows
from tests.voice_samples import aac_adts, aac_m4a, mp3, needs_ffmpeg, silk


async def test_categories_offer_their_questions(user: MiniProgram) -> None:
    r = await user.get("/api/v1/categories")
    cats = {c["id"]: c for c in r.body["categories"]}
    assert [q["id"] for q in cats["subsidy_fraud"]["questions"]] == ["subsidy_household", "subsidy_year"]
    assert [q["label"] for q in cats["land_compensation"]["questions"]] == ["征地拆迁项目", "涉及面积(亩)或户数"]
    assert cats["other"]["questions"] == []


async def test_answers_are_kept_sealed_with_the_report(user: MiniProgram, services: Any) -> None:
    r = await user.report(category="subsidy_fraud", village=HUJIAZHUANG, anonymous=True,
                          answers={"subsidy_household": "王大福家", "subsidy_year": " ", })
    assert r.status == 200 and r.body["filed"], r.body
    case = await Case.get(number=r.body["case_number"])
    assert open_answers(services.cipher, case) == [("涉及哪一户", "王大福家")]  # the blank one is not kept
    assert not any("王大福" in row for row in await all_rows())


async def test_an_answer_to_no_question_is_refused(user: MiniProgram) -> None:
    r = await user.report(category="subsidy_fraud", village=HUJIAZHUANG, answers={"favourite_colour": "红"})
    assert (r.status, r.code) == (422, "invalid_request") and "answers" in r.body["error"]["message"]
    assert await Case.all().count() == 0


def _form(data: bytes, filename: str, ctype: str) -> aiohttp.FormData:
    f = aiohttp.FormData()
    f.add_field("file", data, filename=filename, content_type=ctype)
    return f


@needs_ffmpeg
@pytest.mark.parametrize("kind", ["aac", "m4a", "mp3", "silk"])
async def test_recorder_voices_are_accepted_and_get_a_playable_copy(kind: str, user: MiniProgram, services: Any,
                                                                     tmp_path: Any) -> None:
    data, name, claimed, stored_type = {
        "aac": (aac_adts(), "r.aac", "audio/aac", "audio/aac"),
        "m4a": (aac_m4a(str(tmp_path / "r.m4a")), "r.m4a", "audio/x-m4a", "audio/mp4"),
        "mp3": (mp3(), "r.mp3", "audio/mpeg", "audio/mpeg"),
        "silk": (silk(), "r.silk", "application/octet-stream", "audio/silk")}[kind]
    filed = (await user.report(village=HUJIAZHUANG)).body
    r = await user.post("/api/v1/attachments", None, data=_form(data, name, claimed),
                        headers={"X-Upload-Token": filed["upload_token"]})
    assert r.status == 201 and r.body["kind"] == "voice" and r.body["content_type"] == stored_type, r.body
    assert r.body["count"] == 1  # the browser copy is no attachment of the villager's
    voice = await Attachment.get(case__number=filed["case_number"], derived_from_id=None)
    copies = await Attachment.filter(derived_from_id=voice.id)
    if kind == "mp3":
        assert copies == []  # browsers play it as it is
    else:
        assert [c.content_type for c in copies] == ["audio/mpeg"]
        assert (await read_attachment(copies[0], services))[:2] == b"\xff\xfb"


async def test_a_file_that_only_starts_like_aac_is_refused(user: MiniProgram) -> None:
    filed = (await user.report(village=HUJIAZHUANG)).body
    fake = b"\xff\xf1\x50\x80" + bytes(400)
    r = await user.post("/api/v1/attachments", None, data=_form(fake, "r.aac", "audio/aac"),
                        headers={"X-Upload-Token": filed["upload_token"]})
    assert (r.status, r.code) == (422, "bad_attachment") and "语音" in r.body["error"]["message"]
