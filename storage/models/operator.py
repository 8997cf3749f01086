"""What the county operator configures at run time (tortoise app "operator"): group robots, model files."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class GroupRobot(Model):
    """The group-robot webhook key of a bound village group, sealed (a secret: only its last 4 characters shown)."""

    id = fields.IntField(primary_key=True)
    group = fields.OneToOneField("core.WechatGroup", related_name="robot", on_delete=fields.CASCADE)
    key_enc = fields.TextField()
    key_hint = fields.CharField(max_length=8)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        app = "operator"
        table = "operator_group_robot"


class ModelFile(Model):
    """One version of a classifier file (keywords or model) saved from the panel. The newest of a kind is live."""

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=16, db_index=True)  # keywords | model
    content = fields.TextField()
    sha256 = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    created_by = fields.CharField(max_length=64, default="")

    class Meta:
        app = "operator"
        table = "operator_model_file"
