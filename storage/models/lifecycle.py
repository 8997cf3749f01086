"""Tables of the case lifecycle (tortoise app "lifecycle"): calendar, deadlines, sweep notices, review turns."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Holiday(Model):
    """A public holiday, or with workday set a weekend day that is worked (调休)."""

    day = fields.DateField(primary_key=True)
    name = fields.CharField(max_length=64, default="")
    workday = fields.BooleanField(default=False)

    class Meta:
        app = "lifecycle"
        table = "lifecycle_holiday"


class DeadlineSetting(Model):
    """Working days allowed for one stage of one category (category * is the default)."""

    id = fields.IntField(primary_key=True)
    category = fields.CharField(max_length=32)
    stage = fields.CharField(max_length=16)  # accept | resolve | escalate
    working_days = fields.IntField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        app = "lifecycle"
        table = "lifecycle_deadline"
        unique_together = (("category", "stage"),)


class DeadlineNotice(Model):
    """One reminder or escalation the sweep made, so a second sweep never repeats it."""

    id = fields.BigIntField(primary_key=True)
    case = fields.ForeignKeyField("core.Case", related_name="deadline_notices", on_delete=fields.CASCADE)
    stage = fields.CharField(max_length=16)  # accept | resolve
    due = fields.DateField()
    kind = fields.CharField(max_length=16)  # remind | escalate | overdue2
    sweep = fields.CharField(max_length=32, db_index=True)
    at = fields.DatetimeField()

    class Meta:
        app = "lifecycle"
        table = "lifecycle_notice"
        unique_together = (("case", "stage", "due", "kind"),)


class ReviewTurn(Model):
    """Whose turn it is to cross-review in a cooperation zone (协作区)."""

    zone = fields.CharField(max_length=32, primary_key=True)
    turn = fields.IntField(default=0)

    class Meta:
        app = "lifecycle"
        table = "lifecycle_review_turn"
