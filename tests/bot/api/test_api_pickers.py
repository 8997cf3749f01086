"""The pickers: categories with what they cover, townships, and the villages of one township."""
from __future__ import annotations

from typing import Any

from nlp import CATEGORY_IDS
from tests.bot.api.conftest import DONGLING, DONGLING_SHIQIAO, NANBA


async def test_categories_with_descriptions(make_user: Any) -> None:
    r = await make_user().get("/api/v1/categories")
    cats = r.body["categories"]
    assert [c["id"] for c in cats] == list(CATEGORY_IDS)
    by_id = {c["id"]: c for c in cats}
    assert by_id["favoritism"]["name"] == "优亲厚友" and "低保" in by_id["favoritism"]["description"]
    assert by_id["other"]["accepted"] is False and "12345" in by_id["other"]["description"]
    assert all(c["description"] for c in cats)


async def test_townships_and_their_villages(make_user: Any) -> None:
    u = make_user()
    towns = (await u.get("/api/v1/townships")).body["townships"]
    assert {t["code"]: t["name"] for t in towns}[NANBA] == "南坝镇" and len(towns) == 3
    villages = (await u.get(f"/api/v1/villages?township={DONGLING}")).body["villages"]
    assert [(v["code"], v["name"]) for v in villages] == [("610798102201", "东岭村"), (DONGLING_SHIQIAO, "石桥村")]


async def test_villages_of_unknown_or_missing_township_are_4xx(make_user: Any) -> None:
    u = make_user()
    r = await u.get("/api/v1/villages?township=123")
    assert (r.status, r.code) == (422, "unknown_place")
    r = await u.get("/api/v1/villages")
    assert (r.status, r.code) == (422, "invalid_request")
    r = await u.get(f"/api/v1/villages?township={NANBA}&township={DONGLING}")
    assert (r.status, r.code) == (422, "invalid_request")
