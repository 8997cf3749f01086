"""Issue 20 item 3: the documented rotation (new key first, `qingfeng keys rotate`, then only the new key)
leaves everything working: identities revealable, receipts finding their case, attachments and county
TOTP sign-in, outbox rows sending, subscriptions and staff chat bindings matching. `keys check` names
what would not open.
"""
from __future__ import annotations

import base64
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, AsyncIterator

import pytest
from PIL import Image

from bot.services import make_cipher
from handlers.cases.binding import issue_binding_code
from handlers.cases.delivery import deliver_due
from handlers.cases.filing import ReportDraft, file_report
from handlers.subsidies.actions import subscribe
from storage.attachments import save_attachment
from storage.models import OutboxMessage, Staff
from storage.models.subsidy_watch import SubsidySubscription
from tests.admin.conftest import signed_in

REPO = Path(__file__).resolve().parents[2]
K1 = {"hmac": "k1:" + base64.urlsafe_b64encode(b"1" * 32).decode(), "data": "k1:" + base64.urlsafe_b64encode(b"a" * 32).decode()}
K2 = {"hmac": "k2:" + base64.urlsafe_b64encode(b"2" * 32).decode(), "data": "k2:" + base64.urlsafe_b64encode(b"b" * 32).decode()}
NANBA, HUJIA = "610798101", "610798101201"
REPORTER, STAFF_OPENID, SUBSCRIBER = "oReporterRotation00000000001", "oNanbaStaffRotation000000001", "oSubscriber0rotation00000001"


class Keys:
    """Switches the running app's keys as an operator's restart with new variables would."""

    def __init__(self, services: Any, settings: Any) -> None:
        self.services, self.base = services, settings
        self.saved = (services.settings, services.cipher)

    def use(self, hmac: str, data: str) -> dict[str, str]:
        s = self.base.with_(hmac_keys=hmac, data_keys=data)
        self.services.settings, self.services.cipher = s, make_cipher(s)
        return {"QINGFENG_HMAC_KEYS": hmac, "QINGFENG_DATA_KEYS": data}

    def restore(self) -> None:
        self.services.settings, self.services.cipher = self.saved


@pytest.fixture
async def keys(services: Any, settings: Any) -> AsyncIterator[Keys]:
    k = Keys(services, settings)
    yield k
    k.restore()


def cli(settings: Any, env_keys: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url,
           "QINGFENG_VAR": str(settings.var_dir), **env_keys}
    return subprocess.run([sys.executable, "-m", "bot.cli", "keys", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300)


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


async def test_documented_key_rotation_leaves_every_sealed_and_hashed_row_working(
        accounts: Any, keys: Keys, services: Any, settings: Any, panel_factory: Any, wechat: Any, http: Any,
        fake_wechat: Any) -> None:
    # -- life under the old key k1
    keys.use(K1["hmac"], K1["data"])
    county = await signed_in(panel_factory, services, "county_admin")  # enrols TOTP: the secret sealed with k1
    await county.http.close()
    nanba = await Staff.get(username="nanba_staff")
    code = await issue_binding_code(nanba.id, services.redis)
    assert "绑定成功" in (await wechat.send(http, STAFF_OPENID, f"绑定 {code}")).texts[0]
    named = await file_report(ReportDraft(channel="mp", text="胡家庄村会计把我家的低保钱扣了一半", category="subsidy_fraud",
                                          township=NANBA, village=HUJIA, level="village", anonymous=False,
                                          openid=REPORTER, name="王秀英", phone="13800001111"), services)
    anonymous = await file_report(ReportDraft(channel="mp", text="村里修路的钱被村主任截留了", category="collective_assets",
                                              township=NANBA, village=HUJIA, level="village", anonymous=True), services)
    picture = _png()
    att = await save_attachment(named.case.id, picture, "image/png", "image", services)
    pending = await OutboxMessage.filter(status="pending").count()
    assert pending >= 1  # the township's staff are told of the new cases through the outbox
    await subscribe(services.cipher.lookup_hash("110101199003074514", purpose="subsidy-id"),
                    services.cipher.seal("110101199003074514"), channel="mp",
                    subject=services.cipher.subject_hash("mp", SUBSCRIBER), openid=SUBSCRIBER, cipher=services.cipher)

    # -- step 1: the new key first, the old one after it. Bindings still match before the rotation ran.
    during = keys.use(f"{K2['hmac']},{K1['hmac']}", f"{K2['data']},{K1['data']}")
    assert "已受理" in (await wechat.send(http, STAFF_OPENID, f"受理 {anonymous.case.number}")).texts[0]
    r = cli(settings, {"QINGFENG_HMAC_KEYS": K2["hmac"], "QINGFENG_DATA_KEYS": K2["data"]}, "check")
    assert r.returncode == 1 and "reporter_identity.openid_enc" in r.stdout and "attachment files" in r.stdout

    # -- step 2: rotate (twice: a run stopped halfway is simply run again)
    r = cli(settings, during, "rotate")
    assert r.returncode == 0, r.stderr[-2000:]
    assert cli(settings, during, "rotate").returncode == 0

    # -- step 3: only the new key
    only_new = keys.use(K2["hmac"], K2["data"])
    r = cli(settings, only_new, "check")
    assert r.returncode == 0, r.stdout + r.stderr[-2000:]

    county = await signed_in(panel_factory, services, "county_admin")  # TOTP secret opens: no HTTP 500
    status, body = await county.post(f"/admin/cases/{named.case.id}/reveal", {"reason": "核实举报人身份"})
    assert status == 200 and "王秀英" in body and "13800001111" in body
    status, data, _ = await county.get_bytes(f"/admin/cases/{named.case.id}/attachments/{att.id}")
    assert status == 200 and data[:8] == picture[:8]

    reply = await wechat.send(http, "oAnyoneWithTheReceipt0000001", f"查询进度 {anonymous.receipt}")
    assert anonymous.case.number in reply.texts[0]  # the receipt needs no key at all

    assert "已受理" in (await wechat.send(http, STAFF_OPENID, f"受理 {named.case.number}")).texts[0]  # binding

    fake_wechat.state.reset()
    await deliver_due(services)
    assert await OutboxMessage.filter(status="failed").count() == 0
    assert any(rec.body.get("touser") == STAFF_OPENID for rec in fake_wechat.state.records)

    assert "已取消订阅" in (await wechat.send(http, SUBSCRIBER, "取消订阅")).texts[0]
    assert await SubsidySubscription.all().count() == 0


async def test_receipt_issued_before_argon2id_is_found_then_needs_no_key(services: Any, registry_loaded: Any,
                                                                         wechat: Any, http: Any) -> None:
    """Migration core 0004 marks old HMAC receipts `h:`; the first look-up moves them to argon2id."""
    from storage.models import Case
    from storage.receipts import PREFIX, hash_receipt

    filed = await file_report(ReportDraft(channel="mp", text="村里修路的钱被村主任截留了", category="collective_assets",
                                          township=NANBA, village=HUJIA, level="village", anonymous=True), services)
    old = services.cipher.lookup_hash(filed.receipt, purpose="receipt")
    await Case.filter(id=filed.case.id).update(receipt_hash="h:" + old[:62])  # as the migration leaves it
    reply = await wechat.send(http, "oAnyoneWithTheReceipt0000002", f"查询进度 {filed.receipt}")
    assert filed.case.number in reply.texts[0]
    stored = (await Case.get(id=filed.case.id)).receipt_hash
    assert stored.startswith(PREFIX) and stored == await hash_receipt(filed.receipt)
