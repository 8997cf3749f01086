"""Events, scans and the messages that are not words: answered as WeChat expects and as villagers would."""
from __future__ import annotations

from typing import Any

import pytest

from bot.fake_media import FAKE_VIDEO_PLACE
from bot.wechat_menu import menu_keys
from bot.wechat_sim import WeChatServerSim
from handlers import report_texts as T
from handlers.follow import SCANNED, STAFF_WELCOME
from handlers.help import NOT_UNDERSTOOD, WELCOME_TEXT
from handlers.shared_items import CARD, LINK_KEPT, LOCATION_NO_REPORT
from handlers.subsidies import texts as subsidy_texts
from storage.attachments import read_attachment
from storage.models import Attachment, Case
from tests.handlers.conftest import Villager, confirmed

HUJIA, NANBA = "610798101201", "610798101"
NO_PLACE = "村主任收了红包才给盖章"  # names no village
LOCATION = {"Location_X": "30.670100", "Location_Y": "104.050300", "Scale": "15",
            "Label": "某省某县南坝镇胡家庄村村委会附近"}


@pytest.fixture
def wecom(app_server: Any, settings: Any, services: Any) -> WeChatServerSim:
    return WeChatServerSim(str(app_server.make_url("")).rstrip("/"), settings.wecom_token, settings.wecom_aes_key,
                           settings.wecom_corpid, channel="work")


@pytest.mark.parametrize("event", [
    "subscribe_msg_popup_event", "subscribe_msg_change_event", "subscribe_msg_sent_event",
    "TEMPLATESENDJOBFINISH", "MASSSENDJOBFINISH", "VIEW", "LOCATION", "unsubscribe", "view_miniprogram",
    "kf_create_session", "user_enter_tempsession",
])
async def test_an_event_no_one_handles_is_answered_success(villager: Villager, event: str) -> None:
    r = await villager.raw(kind="event", event=event, event_key="x")
    assert (r.status, r.body) == (200, "success")


@pytest.mark.parametrize("event", [
    "change_contact", "template_card_event", "enter_agent", "batch_job_result", "change_external_contact",
    "delete_schedule", "modify_calendar", "book_meeting_room", "open_approval_change", "LOCATION",
])
async def test_wecom_events_are_answered_success(wecom: WeChatServerSim, http: Any, event: str) -> None:
    r = await wecom.send(http, "zhangsan", kind="event", event=event, event_key="k")
    assert (r.status, r.body) == (200, "success")


async def test_following_by_scanning_a_product_gets_the_welcome(villager: Villager) -> None:
    assert await villager.one(kind="event", event="subscribe", event_key="scanbarcode|EAN_13|6901234567892") \
        == WELCOME_TEXT


async def test_a_wecom_member_joining_is_not_welcomed_as_a_villager(wecom: WeChatServerSim, http: Any) -> None:
    r = await wecom.send(http, "zhangsan", kind="event", event="subscribe")
    assert r.texts == [STAFF_WELCOME]


async def _report_without_place(v: Villager) -> str:
    await v.one("举报")
    await v.one(NO_PLACE)
    return await v.one("好了")


async def test_a_village_qr_code_sets_the_village_of_the_next_report(villager: Villager, make_villager: Any) -> None:
    welcome = await villager.one(kind="event", event="subscribe", event_key=f"qrscene_{HUJIA}")
    assert welcome.startswith(WELCOME_TEXT) and SCANNED.format(place="南坝镇胡家庄村") in welcome
    assert (await _report_without_place(villager)).startswith("您反映的是南坝镇胡家庄村")
    await confirmed(villager)
    await villager.one("2")
    assert (await Case.get()).village_id == HUJIA
    assert await _report_without_place(villager) == T.ASK_PLACE  # used once: the next report asks again

    follower = make_villager()  # already following: a SCAN event with the scene
    assert await follower.one(kind="event", event="SCAN", event_key=HUJIA) == SCANNED.format(place="南坝镇胡家庄村")
    assert (await _report_without_place(follower)).startswith("您反映的是南坝镇胡家庄村")
    stranger = make_villager()  # a scene that is no village: nothing kept, nothing said
    assert (await stranger.raw(kind="event", event="SCAN", event_key="999999")).body == "success"


async def test_a_location_settles_the_village_of_the_report_in_progress(villager: Villager) -> None:
    assert await _report_without_place(villager) == T.ASK_PLACE
    confirm = await villager.one(kind="location", extra=LOCATION)
    assert confirm.startswith("您反映的是南坝镇胡家庄村")
    await confirmed(villager)
    await villager.one("2")
    assert (await Case.get()).village_id == HUJIA


async def test_a_location_sent_while_describing_is_the_default_place(villager: Villager) -> None:
    await villager.one("举报")
    await villager.one(NO_PLACE)
    assert "南坝镇胡家庄村" in await villager.one(kind="location", extra=LOCATION)
    assert (await villager.one("好了")).startswith("您反映的是南坝镇胡家庄村")


async def test_a_video_is_kept_as_evidence_without_the_place_the_phone_wrote(
        villager: Villager, services: Any) -> None:
    await villager.one("举报")
    await villager.one("胡家庄村的村支书把我家低保扣了")
    assert await villager.one(kind="shortvideo") == T.VIDEO_KEPT
    await villager.one("好了")
    await confirmed(villager)
    await villager.one("2")
    await services.drain()
    [att] = await Attachment.filter(case_id=(await Case.get()).id)
    video = await read_attachment(att, services)
    assert (att.kind, att.content_type) == ("video", "video/mp4")
    assert video[4:8] == b"ftyp" and FAKE_VIDEO_PLACE not in video


async def test_a_link_is_kept_with_the_description(villager: Villager) -> None:
    await villager.one("举报")
    await villager.one("胡家庄村的村支书把我家低保扣了")
    link = {"Title": "村务公开栏照片", "Description": "公开栏", "Url": "https://example.org/notice/1"}
    assert await villager.one(kind="link", extra=link) == LINK_KEPT
    await villager.one("好了")
    await confirmed(villager)
    await villager.one("2")
    assert "https://example.org/notice/1" in (await Case.get()).text


async def test_shared_items_outside_a_report_are_answered_in_words(villager: Villager) -> None:
    assert await villager.one(kind="location", extra=LOCATION) == LOCATION_NO_REPORT
    card = {"Title": "清风", "AppId": "wx00qingfengmini", "PagePath": "pages/index", "ThumbUrl": "", "ThumbMediaId": "m"}
    assert await villager.one(kind="miniprogrampage", extra=card) == CARD
    assert await villager.one("今天天气怎么样") == NOT_UNDERSTOOD


async def test_every_menu_key_has_a_handler(villager: Villager) -> None:
    keys = menu_keys()
    assert sorted(keys) == ["HELP", "MYREPORTS", "PROGRESS", "REPORT", "SUBSIDY"]
    for key in keys:
        reply = await villager.one(kind="event", event="CLICK", event_key=key)
        assert reply and reply != NOT_UNDERSTOOD
    assert await villager.one(kind="event", event="CLICK", event_key="SUBSIDY") == subsidy_texts.START


async def test_a_photo_without_a_media_id_is_asked_again_not_kept(villager: Villager) -> None:
    assert await villager.one(kind="image", media_id=" ") == T.MEDIA_MISSING
