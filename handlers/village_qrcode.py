"""码上监督: each village's permanent parametric QR code, whose scene is the village's registry code.

A villager who scans it follows the account (or, following already, sends SCAN) with the scene, and
handlers.follow keeps the village for their next report. The code is made once per village through
WeChat's qrcode/create (QR_LIMIT_STR_SCENE: an account has 100,000) and its ticket kept in Redis; the
image comes from showqrcode with the ticket. The panel prints it on a poster (admin.views_qrcodes).
"""
from __future__ import annotations

from typing import Any

from storage import keys


async def village_ticket(village_code: str, services: Any) -> str:
    cached = await services.redis.get(keys.village_qr_ticket(village_code))
    if cached:
        return cached.decode() if isinstance(cached, bytes) else str(cached)
    answer = await services.mp.create_qrcode(village_code)
    ticket = str(answer["ticket"])
    await services.redis.set(keys.village_qr_ticket(village_code), ticket)
    return ticket


async def village_qr_png(village_code: str, services: Any) -> bytes:
    """The PNG of the village's QR code; raises WeChatAPIError when WeChat refuses or cannot be reached."""
    s = services.settings
    return bytes(await services.mp.qrcode_image(await village_ticket(village_code, services),
                                                s.wechat_qr_base or s.wechat_api_base))
