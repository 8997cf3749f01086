"""All tortoise models of the `core` app; tortoise finds them through this module."""
from storage.models.accounts import COUNTY_ROLES, ROLE_NAMES, Role, Staff, StaffBinding
from storage.models.audit import AuditEntry
from storage.models.cases import (
    CHANNEL_NAMES, CLOSED_STATUSES, EVENT_NAMES, INTAKE_CHANNELS, OPEN_STATUSES, RATING_NAMES, STATUS_NAMES, Attachment,
    Case, CaseEvent, ReporterIdentity, Status,
)
from storage.models.installation import InstallationValue
from storage.models.outbox import OutboxMessage
from storage.models.registry import County, Township, Village, WechatGroup, Zone
from storage.models.subsidy import ImportBatch, SubsidyLookup, SubsidyRecord

__all__ = [
    "COUNTY_ROLES", "ROLE_NAMES", "CLOSED_STATUSES", "EVENT_NAMES", "OPEN_STATUSES", "STATUS_NAMES", "Role", "Staff",
    "CHANNEL_NAMES", "INTAKE_CHANNELS", "RATING_NAMES",
    "StaffBinding", "AuditEntry", "Attachment", "Case", "CaseEvent",
    "ReporterIdentity", "Status", "OutboxMessage", "County", "Township", "Village", "WechatGroup", "Zone",
    "ImportBatch", "SubsidyLookup", "SubsidyRecord", "InstallationValue",
]
