"""Issue 18: a county account enrolling its second factor gets a QR code to scan (drawn in the page as SVG, no
image fetched from anywhere), encoding the otpauth address of the secret shown beside it; the code it gives works."""
from __future__ import annotations

import re
from typing import Any

import pyotp
import segno

from storage.models import AuditEntry
from tests.admin.conftest import PASSWORDS


def dark_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules of segno's one-path SVG (M x y, h n runs, m dx dy moves), in module units."""
    path = re.search(r'<path[^>]* d="([^"]+)"', svg).group(1)  # type: ignore[union-attr]
    border = 4
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for i in range(int(a)):
                dark.add((int(x) + i - border, int(y - 0.5) - border))
            x += float(a)
    return dark


async def test_county_admin_enrols_by_scanning_a_qr_code_of_the_shown_secret(accounts: Any, panel_factory: Any,
                                                                             services: Any) -> None:
    panel = await panel_factory()
    await panel.get("/admin/login")
    status, body = await panel.post("/admin/login", {"username": "county_admin", "password": PASSWORDS["county_admin"]})
    assert status == 200 and 'id="totp-qr"' in body
    svg = re.search(r'<svg[^>]*id="totp-qr".*?</svg>', body, re.S).group(0)  # type: ignore[union-attr]
    assert not re.search(r'<img[^>]+src="https?:', body)  # nothing fetched from another site
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', body).group(1)  # type: ignore[union-attr]
    uri = f"otpauth://totp/qingfeng:county_admin?secret={secret}&issuer=qingfeng"
    expected = segno.make(uri, error="m").matrix
    want = {(x, y) for y, row in enumerate(expected) for x, v in enumerate(row) if v}
    assert dark_modules(svg) == want  # the QR code is the otpauth address of this secret
    status, body = await panel.post("/admin/login/enroll", {"code": pyotp.parse_uri(uri).now()})
    assert status == 200 and "退出" in body
    assert await AuditEntry.filter(action="auth.totp_enrolled").count() == 1
