"""Outbound messages, written in the same transaction as the change they announce."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class OutboxMessage(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=16)  # custom_text | template | wecom_app | webhook
    recipient_enc = fields.TextField(default="")  # openid / userid, sealed
    payload = fields.JSONField(default=dict)  # never holds personal data
    status = fields.CharField(max_length=12, default="pending", db_index=True)  # pending|sending|sent|failed
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(db_index=True)
    last_error = fields.TextField(default="")
    case = fields.ForeignKeyField("core.Case", related_name="outbox", null=True, on_delete=fields.SET_NULL,
                                  db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        app = "core"
        table = "outbox_message"
