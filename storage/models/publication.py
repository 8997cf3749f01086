"""Publication (公开): what villagers can see — the list of village-level powers, periodic disclosures,
the archive of announcements, published outcomes of closed cases and rounds of 群众点题.

Nothing here holds a personal value: votes are keyed by the voter's subject hash, outcomes
carry a category, places, a result and a summary a staff member wrote for the public.
"""
from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class PowerItem(Model):
    """One item of the 小微权力清单: who decides, the steps, the documents, the time limit, the basis."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)  # stable id in the API and in imports
    title = fields.CharField(max_length=64)
    section = fields.CharField(max_length=32, default="")  # 村级重大事项 / 村级民生服务 / ...
    categories = fields.JSONField(default=list)  # report categories it links to
    keywords = fields.JSONField(default=list)  # words a villager uses for it
    decider = fields.CharField(max_length=128, default="")
    steps = fields.JSONField(default=list)
    documents = fields.JSONField(default=list)
    time_limit = fields.CharField(max_length=64, default="")
    basis = fields.TextField(default="")
    position = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        app = "publication"
        table = "publication_power"


class DisclosureKind(StrEnum):
    FINANCE = "finance"  # 财务公开 (monthly or quarterly)
    ASSETS = "assets"  # 三资 ledger
    DECISIONS = "decisions"  # 四议两公开 decisions


class DisclosurePeriod(Model):
    """A period every village must disclose for, with the date the disclosure is due."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(DisclosureKind, max_length=16)
    label = fields.CharField(max_length=32)  # 2026年第3季度
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    due_on = fields.DateField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "publication"
        table = "publication_period"
        unique_together = (("kind", "label"),)


class Disclosure(Model):
    """A village's disclosure for one period (the uploaded XLSX or PDF and a short summary)."""

    id = fields.IntField(primary_key=True)
    village = fields.ForeignKeyField("core.Village", related_name="disclosures", on_delete=fields.RESTRICT)
    period = fields.ForeignKeyField("publication.DisclosurePeriod", related_name="disclosures",
                                    on_delete=fields.RESTRICT)
    title = fields.CharField(max_length=128)
    summary = fields.TextField(default="")
    file_name = fields.CharField(max_length=128, default="")
    content_type = fields.CharField(max_length=96, default="")
    content = fields.BinaryField(null=True)
    published_on = fields.DateField()
    uploaded_by = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "publication"
        table = "publication_disclosure"
        unique_together = (("village", "period"),)


class Announcement(Model):
    """An announcement (公示) as it was sent to village groups, kept for the archive."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=16, default="general")  # general | subsidy
    title = fields.CharField(max_length=128, default="")
    text = fields.TextField()
    office_code = fields.CharField(max_length=16, default="")
    office_name = fields.CharField(max_length=64, default="")
    sender = fields.CharField(max_length=64, default="")  # staff:ID
    groups = fields.IntField(default=0)
    sent_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        app = "publication"
        table = "publication_announcement"


class AnnouncementVillage(Model):
    """Which villages an announcement reached (through their groups)."""

    id = fields.IntField(primary_key=True)
    announcement = fields.ForeignKeyField("publication.Announcement", related_name="villages",
                                          on_delete=fields.CASCADE)
    village_id = fields.CharField(max_length=16, db_index=True)

    class Meta:
        app = "publication"
        table = "publication_announcement_village"
        unique_together = (("announcement", "village_id"),)


class OutcomeStatus(StrEnum):
    PENDING = "pending"  # proposed, waiting for a county review
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Outcome(Model):
    """The published outcome of a closed case (查处结果公开): never the reporter, never the case text."""

    id = fields.IntField(primary_key=True)
    case = fields.OneToOneField("core.Case", related_name="outcome", on_delete=fields.CASCADE)
    category = fields.CharField(max_length=32)
    township_id = fields.CharField(max_length=12, default="", db_index=True)
    village_id = fields.CharField(max_length=16, default="", db_index=True)
    result = fields.CharField(max_length=32)
    summary = fields.TextField(default="")  # written by staff for the public, optional
    closed_on = fields.DateField()
    status = fields.CharEnumField(OutcomeStatus, max_length=16, default=OutcomeStatus.PENDING, db_index=True)
    proposed_by = fields.CharField(max_length=64, default="")
    reviewed_by = fields.CharField(max_length=64, default="")
    published_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "publication"
        table = "publication_outcome"


class RoundStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class TopicRound(Model):
    """A round of 群众点题: villagers choose which topics are supervised next."""

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=128)
    opens_on = fields.DateField()
    closes_on = fields.DateField()
    status = fields.CharEnumField(RoundStatus, max_length=16, default=RoundStatus.DRAFT, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "publication"
        table = "publication_round"


class Topic(Model):
    id = fields.IntField(primary_key=True)
    round = fields.ForeignKeyField("publication.TopicRound", related_name="topics", on_delete=fields.CASCADE)
    title = fields.CharField(max_length=64)
    description = fields.TextField(default="")
    position = fields.IntField(default=0)
    chosen = fields.BooleanField(default=False)

    class Meta:
        app = "publication"
        table = "publication_topic"


class TopicVote(Model):
    """One villager's vote in a round, keyed by their subject hash: one per round."""

    id = fields.IntField(primary_key=True)
    round = fields.ForeignKeyField("publication.TopicRound", related_name="votes", on_delete=fields.CASCADE)
    topic = fields.ForeignKeyField("publication.Topic", related_name="votes", on_delete=fields.CASCADE)
    subject_hash = fields.CharField(max_length=64)
    township_id = fields.CharField(max_length=12, default="", db_index=True)
    channel = fields.CharField(max_length=16, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "publication"
        table = "publication_vote"
        unique_together = (("round", "subject_hash"),)
