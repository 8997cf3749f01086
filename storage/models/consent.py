"""Subscribe messages a mini-program user accepted (tortoise app "consent"): wx.requestSubscribeMessage's answers."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class SubscribeConsent(Model):
    """One user's last answer for one subscribe template (accept, reject, ban, filter). No openid, a keyed hash only.

    Read under every configured key's hash. Once an old key is dropped its answers are no longer found and the
    mini-program asks again: harmless, so no sealed openid is kept for `keys rotate` to rehash."""

    id = fields.IntField(primary_key=True)
    subject_hash = fields.CharField(max_length=64, db_index=True)  # cipher.subject_hash("miniapp", openid)
    template_id = fields.CharField(max_length=64)
    status = fields.CharField(max_length=8)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        app = "consent"
        table = "subscribe_consent"
        unique_together = (("subject_hash", "template_id"),)
