"""Tables of the admin panel (tortoise app "admin"): which monitor a case is assigned to."""
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
