"""Reference lists for the data comparison (大数据比对) and the findings the rules raise.

Personal values are kept the way subsidy records keep them: a keyed hash
(`cipher.lookup_hash`, the same purpose as `SubsidyRecord.id_hash`, so the
rules join on it) plus a sealed copy for display. Each table has a natural
key with a unique constraint, so importing the same list twice adds nothing.
"""
from __future__ import annotations

import hashlib
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class DeathRecord(Model):
    """A recorded death (from civil affairs or the police household register)."""

    id = fields.BigIntField(primary_key=True)
    id_hash = fields.CharField(max_length=64, unique=True)  # one death per person
    id_enc = fields.TextField()
    name_enc = fields.TextField(null=True)
    died_on = fields.DateField()
    source = fields.CharField(max_length=64, default="")
    batch_id = fields.IntField(null=True)  # core.ImportBatch that last wrote the row
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "compare"
        table = "compare_death"


class Official(Model):
    """A village official (村干部) and the village they serve."""

    id = fields.IntField(primary_key=True)
    id_hash = fields.CharField(max_length=64, db_index=True)
    id_enc = fields.TextField()
    name_enc = fields.TextField()
    village = fields.ForeignKeyField("core.Village", related_name="officials", on_delete=fields.RESTRICT)
    post = fields.CharField(max_length=32)
    batch_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "compare"
        table = "compare_official"
        unique_together = (("id_hash", "village"),)


class Relative(Model):
    """A relative an official declared, keyed by the official's ID hash (joined to Official)."""

    id = fields.IntField(primary_key=True)
    official_hash = fields.CharField(max_length=64, db_index=True)
    id_hash = fields.CharField(max_length=64, db_index=True)
    id_enc = fields.TextField()
    name_enc = fields.TextField(null=True)
    relation = fields.CharField(max_length=16)
    batch_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "compare"
        table = "compare_relative"
        unique_together = (("official_hash", "id_hash"),)


class Period(StrEnum):
    """How often a program pays: two payments in one period are a duplicate."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    ONCE = "once"  # a one-off grant (危房改造): any second payment is a duplicate


class ProgramStandard(Model):
    """The most a program may pay per payment and per year, and how often it pays."""

    id = fields.IntField(primary_key=True)
    program = fields.CharField(max_length=64, unique=True)
    max_per_payment = fields.DecimalField(max_digits=14, decimal_places=2, null=True)
    max_per_year = fields.DecimalField(max_digits=14, decimal_places=2, null=True)
    period = fields.CharEnumField(Period, max_length=8, default=Period.MONTH)
    universal = fields.BooleanField(default=False)  # 普惠: paid to everyone eligible, no one picks the recipients
    notes = fields.TextField(default="")
    batch_id = fields.IntField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        app = "compare"
        table = "compare_standard"


class Registration(Model):
    """A vehicle or a business registered to a person (车辆登记, 市场主体登记)."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=16)  # vehicle | business
    id_hash = fields.CharField(max_length=64, db_index=True)
    id_enc = fields.TextField()
    name_enc = fields.TextField(null=True)
    ref_hash = fields.CharField(max_length=64)  # plate or licence number, hashed: the natural key
    ref_enc = fields.TextField()
    registered_on = fields.DateField()
    ended_on = fields.DateField(null=True)  # deregistered / cancelled
    source = fields.CharField(max_length=64, default="")
    batch_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "compare"
        table = "compare_registration"
        unique_together = (("kind", "ref_hash"),)


def finding_fingerprint(rule: str, id_hash: str, village_id: str | None, program: str, period: str) -> str:
    """The identity of a finding across runs (and key rotations): its rule and what it is about, not its counts."""
    key = "\x1f".join([rule, id_hash, village_id or "", program, period])
    return hashlib.sha256(key.encode()).hexdigest()


class FindingStatus(StrEnum):
    OPEN = "open"
    EXPLAINED = "explained"  # staff checked it and gave a reason: never raised again


class Finding(Model):
    """One suspected problem a rule found, identified by a fingerprint of its rule and keys."""

    id = fields.IntField(primary_key=True)
    rule = fields.CharField(max_length=32, db_index=True)
    fingerprint = fields.CharField(max_length=64, unique=True)
    id_hash = fields.CharField(max_length=64, db_index=True)
    village_id = fields.CharField(max_length=16, null=True)  # the paying village, None when several
    township_id = fields.CharField(max_length=12, null=True, db_index=True)
    program = fields.CharField(max_length=64, default="")
    period = fields.CharField(max_length=16, default="")
    records = fields.IntField(default=0)
    amount = fields.DecimalField(max_digits=14, decimal_places=2, default=0)
    first_paid = fields.DateField(null=True)
    last_paid = fields.DateField(null=True)
    note = fields.TextField(default="")  # rule-specific facts (a death date, a post), never personal values
    status = fields.CharEnumField(FindingStatus, max_length=16, default=FindingStatus.OPEN, db_index=True)
    explained_reason = fields.TextField(default="")
    explained_by = fields.CharField(max_length=64, default="")
    explained_at = fields.DatetimeField(null=True)
    case = fields.ForeignKeyField("core.Case", related_name="findings", null=True, on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    last_seen_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "compare"
        table = "compare_finding"
