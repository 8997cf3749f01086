"""Jurisdiction: county → townships → villages; zones; bound WeChat groups."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class County(Model):
    code = fields.CharField(max_length=12, primary_key=True)
    name = fields.CharField(max_length=64)
    commission = fields.CharField(max_length=64)

    class Meta:
        app = "core"
        table = "county"


class Zone(Model):
    """A cooperation zone (协作区): commissions that cross-review each other."""

    id = fields.CharField(max_length=32, primary_key=True)
    name = fields.CharField(max_length=64)
    county: fields.ForeignKeyRelation[County] = fields.ForeignKeyField("core.County", related_name="zones")

    class Meta:
        app = "core"
        table = "zone"


class Township(Model):
    code = fields.CharField(max_length=12, primary_key=True)
    name = fields.CharField(max_length=64)
    aliases = fields.JSONField(default=list)
    commission = fields.CharField(max_length=64)
    county: fields.ForeignKeyRelation[County] = fields.ForeignKeyField("core.County", related_name="townships")
    zone: fields.ForeignKeyNullableRelation[Zone] = fields.ForeignKeyField(
        "core.Zone", related_name="townships", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        app = "core"
        table = "township"


class Village(Model):
    code = fields.CharField(max_length=16, primary_key=True)
    name = fields.CharField(max_length=64, db_index=True)
    aliases = fields.JSONField(default=list)
    township: fields.ForeignKeyRelation[Township] = fields.ForeignKeyField("core.Township", related_name="villages")
    elevated = fields.BooleanField(default=False)  # 提级监督: handled by the county

    class Meta:
        app = "core"
        table = "village"


class WechatGroup(Model):
    """A village group, whose chat id binds it to one village."""

    chat_id = fields.CharField(max_length=64, primary_key=True)
    name = fields.CharField(max_length=64, default="")
    village: fields.ForeignKeyRelation[Village] = fields.ForeignKeyField("core.Village", related_name="groups")
    webhook_key = fields.CharField(max_length=64, default="")  # group-robot webhook for announcements
    bound_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "core"
        table = "wechat_group"
