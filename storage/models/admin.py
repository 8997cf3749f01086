"""Tables of the admin panel (tortoise app "admin"): which monitor a case is assigned to, the canned replies."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class MonitorAssignment(Model):
    """A case handed to a monitor (作风监督员) who may read it and add findings, never see the reporter."""

    id = fields.IntField(primary_key=True)
    case = fields.ForeignKeyField("core.Case", related_name="monitor_assignments", on_delete=fields.CASCADE)
    staff = fields.ForeignKeyField("core.Staff", related_name="monitor_assignments", on_delete=fields.CASCADE)
    assigned_by = fields.CharField(max_length=64)
    assigned_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "admin"
        table = "admin_monitor_assignment"
        unique_together = (("case", "staff"),)


class CannedReply(Model):
    """A reply to the reporter staff often send (常用答复), kept by the county admin and offered on the case
    page for its category and status (an empty category or status: any)."""

    id = fields.IntField(primary_key=True)
    category = fields.CharField(max_length=32, default="", db_index=True)
    status = fields.CharField(max_length=16, default="")
    title = fields.CharField(max_length=40)
    text = fields.TextField()
    updated_by = fields.CharField(max_length=64)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        app = "admin"
        table = "admin_canned_reply"
