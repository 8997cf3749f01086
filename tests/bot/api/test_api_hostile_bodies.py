"""Hostile bodies (issue 20 item 13): deep JSON nesting is a 4xx, invisible-only texts are not a report."""
from __future__ import annotations

import json
from typing import Any

from handlers import report_texts as T
from storage.models import Case
from tests.bot.api.conftest import HUJIAZHUANG, MiniProgram

# zero-width space, joiners, BOM, right-to-left override and isolates: nothing a reader can see
INVISIBLE = "\u200b\u200c\u200d\ufeff\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u202a\u202c" * 3


async def test_deeply_nested_json_body_is_refused_not_a_server_error(user: MiniProgram) -> None:
    for depth in (20, 5000, 30_000):  # 60 KB: under the body cap
        body = '{"text": "胡家庄村会计贪污低保款", "anonymous": true, "x": ' + "[" * depth + "]" * depth + "}"
        r = await user.post("/api/v1/reports", None, data=body.encode(), headers={"Content-Type": "application/json"})
        assert 400 <= r.status < 500 and r.code == "bad_json", (depth, r.status)
    ok = await user.post("/api/v1/reports", None, data=json.dumps({"text": "胡家庄村会计贪污低保款"}).encode(),
                         headers={"Content-Type": "application/json"})
    assert ok.status == 200


async def test_text_of_only_zero_width_or_direction_characters_is_refused(user: MiniProgram, villager: Any) -> None:
    r = await user.report(INVISIBLE, village=HUJIAZHUANG, ignore_similar=True)
    assert (r.status, r.code) == (422, "text_too_short")
    await villager.say("举报")
    await villager.say(INVISIBLE)
    assert await villager.one("好了") == T.TOO_SHORT
    assert not await Case.exists()
