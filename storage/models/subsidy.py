"""Disbursement records (惠民资金), imported in batches, personal data hashed and sealed."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class ImportBatch(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=32)  # subsidies | deaths | officials | ...
    filename = fields.CharField(max_length=255)
    sha256 = fields.CharField(max_length=64, db_index=True)
    rows = fields.IntField(default=0)
    actor = fields.CharField(max_length=64, default="cli")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "core"
        table = "import_batch"


class SubsidyRecord(Model):
    id = fields.BigIntField(primary_key=True)
    batch = fields.ForeignKeyField("core.ImportBatch", related_name="records", on_delete=fields.RESTRICT)
    id_hash = fields.CharField(max_length=64, db_index=True)
    id_enc = fields.TextField()
    name_hash = fields.CharField(max_length=64)
    name_enc = fields.TextField()
    program = fields.CharField(max_length=64)
    amount = fields.DecimalField(max_digits=14, decimal_places=2)
    paid_on = fields.DateField()
    village = fields.ForeignKeyField("core.Village", related_name="subsidies", on_delete=fields.RESTRICT)
    source = fields.CharField(max_length=64, default="")
    fingerprint = fields.CharField(max_length=64, unique=True)  # re-importing a row adds nothing
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "core"
        table = "subsidy_record"


class SubsidyLookup(Model):
    """Every lookup, for the audit and for 谁查过我 (when, not who)."""

    id = fields.BigIntField(primary_key=True)
    id_hash = fields.CharField(max_length=64, db_index=True)
    at = fields.DatetimeField(auto_now_add=True)
    channel = fields.CharField(max_length=16)  # mp | miniapp | panel
    actor = fields.CharField(max_length=64)  # "villager" or "staff:12"; never an openid
    records = fields.IntField(default=0)

    class Meta:
        app = "core"
        table = "subsidy_lookup"
