"""A villager's voice really plays in the panel (issue 17): Debian's Chromium loads the case page's <audio>
element and decodes the copy made from a WeChat AMR voice."""
from __future__ import annotations

import os
from typing import Any

import pytest

from storage.attachments import save_attachment
from tests.admin.conftest import file_case
from tests.admin.test_admin_browser import CHROMIUM, browser, page, sign_in  # noqa: F401  (fixtures)
from tests.voice_samples import needs_ffmpeg

pytestmark = [pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
              needs_ffmpeg]
ONE_SECOND_AMR = b"#!AMR\n" + (bytes([0x3C]) + bytes(31)) * 50  # fifty 20 ms AMR-NB 12.2 kbit/s frames

PLAY = """async () => {
  const a = document.querySelector('#attachments audio');
  if (!a) return {missing: true};
  a.preload = 'auto';
  const done = new Promise(ok => { a.onloadedmetadata = () => ok('loaded'); a.onerror = () => ok('error'); });
  a.load();
  const how = await done;
  return {how, duration: a.duration, error: a.error ? a.error.code : 0, type: a.dataset.type};
}"""


async def test_the_case_page_plays_a_wechat_voice_in_chromium(page: Any, accounts: Any, services: Any) -> None:
    case = await file_case(services, "胡家庄村会计把低保名额给了亲戚", township="610798101", village="610798101201")
    await save_attachment(case.id, ONE_SECOND_AMR, "audio/amr", "voice", services, transcript="村会计把低保给了亲戚")
    await sign_in(page, "nanba_staff")
    await page.goto(f"/admin/cases/{case.id}")
    played = await page.evaluate(PLAY)
    assert played == {"how": "loaded", "duration": played["duration"], "error": 0, "type": "audio/mpeg"}, played
    assert 0.9 < played["duration"] < 1.5
    assert "村会计把低保给了亲戚" in await page.inner_text("#attachments")
    assert not page.js_errors, page.js_errors
