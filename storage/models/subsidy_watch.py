"""订阅: villagers who asked to be told of new subsidy records paid in their name (tortoise app "subsidy")."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class SubsidySubscription(Model):
    """One villager's wish to hear of new records for one ID (keyed hash, sealed copy for key rotation)."""

    id = fields.IntField(primary_key=True)
    id_hash = fields.CharField(max_length=64, db_index=True)  # same keyed hash as SubsidyRecord.id_hash
    id_enc = fields.TextField()  # sealed ID number: lets `keys rotate` recompute id_hash
    subject_hash = fields.CharField(max_length=64)  # the sender (keyed hash of channel:openid)
    channel = fields.CharField(max_length=8)  # mp | work
    recipient_enc = fields.TextField()  # sealed openid, copied into the outbox message
    created_at = fields.DatetimeField(auto_now_add=True)
    last_batch_id = fields.IntField(default=0)  # the last import batch we told them about

    class Meta:
        app = "subsidy"
        table = "subsidy_subscription"
        unique_together = (("id_hash", "subject_hash"),)
