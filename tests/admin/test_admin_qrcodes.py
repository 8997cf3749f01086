"""村监督码: the panel prints a village's QR poster with the code WeChat made; scanning it sets the village."""
from __future__ import annotations

import base64
import re
from typing import Any

import aiohttp

from bot.fake_wechat_account import scene_of
from bot.wechat_sim import WeChatServerSim
from handlers.follow import SCANNED
from tests.admin.conftest import signed_in

HUJIA = "610798101201"


async def test_the_poster_carries_wechats_qr_code_of_the_village_and_scanning_it_sets_the_village(
        accounts: Any, panel_factory: Any, services: Any, fake_wechat: Any, app_server: Any, settings: Any) -> None:
    admin = await signed_in(panel_factory, services, "county_admin")
    status, body = await admin.get("/admin/qrcodes")
    assert status == 200 and f'href="/admin/qrcodes/{HUJIA}"' in body
    status, poster = await admin.get(f"/admin/qrcodes/{HUJIA}")
    assert status == 200 and "码上监督" in poster and "南坝镇胡家庄村" in poster
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', poster).group(1))  # type: ignore[union-attr]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")

    [made] = [r for r in fake_wechat.state.records_of("qrcode") if r.body["action_info"]["scene"]["scene_str"] == HUJIA]
    assert made.body["action_name"] == "QR_LIMIT_STR_SCENE"  # permanent: a poster stays up for years
    [ticket] = [t for t, q in fake_wechat.state.qrcodes.items() if q["scene"] == HUJIA]
    async with aiohttp.ClientSession() as http:
        async with http.get(fake_wechat.base_url + "/cgi-bin/showqrcode", params={"ticket": ticket}) as r:
            assert await r.read() == png  # the image WeChat serves for that ticket
        # A villager scans the poster: WeChat sends the follow with the scene of that ticket.
        sim = WeChatServerSim(str(app_server.make_url("")).rstrip("/"), settings.wechat_token,
                              settings.wechat_aes_key, settings.wechat_appid)
        reply = await sim.send(http, "oScannedThePoster00000000001", kind="event", event="subscribe",
                               event_key=f"qrscene_{scene_of(fake_wechat.state, ticket)}")
        assert SCANNED.format(place="南坝镇胡家庄村") in reply.texts[0]
    # Printing it again reuses the village's code (WeChat allows 100,000 permanent ones per account).
    await admin.get(f"/admin/qrcodes/{HUJIA}")
    assert len([r for r in fake_wechat.state.records_of("qrcode")
                if r.body["action_info"]["scene"]["scene_str"] == HUJIA]) == 1


async def test_only_the_county_admin_prints_posters_and_a_wechat_refusal_is_explained(
        accounts: Any, panel_factory: Any, services: Any, fake_wechat: Any) -> None:
    township = await signed_in(panel_factory, services, "nanba_staff")
    assert (await township.get(f"/admin/qrcodes/{HUJIA}"))[0] == 403
    admin = await signed_in(panel_factory, services, "county_admin")
    from bot.fake_wechat import FailurePlan

    fake_wechat.state.plan = FailurePlan(1, "errcode", frozenset({"/cgi-bin/qrcode/create"}), errcode=48001)
    status, page = await admin.get("/admin/qrcodes/610798101202")
    assert status == 502 and "errcode 48001" in page
    assert (await admin.get("/admin/qrcodes/999999999999"))[0] == 404
