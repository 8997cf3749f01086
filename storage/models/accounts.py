"""Staff accounts, roles, and their bindings to WeChat / WeCom identities."""
from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    COUNTY_ADMIN = "county_admin"
    COUNTY_STAFF = "county_staff"
    TOWNSHIP_STAFF = "township_staff"
    MONITOR = "monitor"
    AUDITOR = "auditor"


COUNTY_ROLES = frozenset({Role.COUNTY_ADMIN, Role.COUNTY_STAFF})
ROLE_NAMES: dict[Role, str] = {
    Role.COUNTY_ADMIN: "县纪委监委管理员", Role.COUNTY_STAFF: "县纪委监委工作人员", Role.TOWNSHIP_STAFF: "乡镇纪委工作人员",
    Role.MONITOR: "作风监督员", Role.AUDITOR: "审计员",
}


class Staff(Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    display_name = fields.CharField(max_length=64, default="")
    role = fields.CharEnumField(Role, max_length=16)
    scope_code = fields.CharField(max_length=16, default="")  # county or township code; a monitor's village
    password_hash = fields.CharField(max_length=255, default="")
    totp_secret_enc = fields.TextField(null=True)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    password_changed_at = fields.DatetimeField(null=True)

    class Meta:
        app = "core"
        table = "staff"


_bindings_saved = 0


def bindings_generation() -> int:
    """How many StaffBinding rows this process has saved: a list of bound staff older than that reloads."""
    return _bindings_saved


class StaffBinding(Model):
    """A staff account bound to a WeChat openid or a WeCom userid (one-time code)."""

    async def save(self, *args: Any, **kwargs: Any) -> None:
        global _bindings_saved
        await super().save(*args, **kwargs)
        _bindings_saved += 1

    id = fields.IntField(primary_key=True)
    staff: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField("core.Staff", related_name="bindings")
    channel = fields.CharField(max_length=8)  # "mp" | "work"
    subject_hash = fields.CharField(max_length=64, unique=True)
    external_enc = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "core"
        table = "staff_binding"
