"""Reports being written, as the database knows them: a conversation lost with Redis can be told so."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class OpenDraft(Model):
    """A report flow started and not yet filed or cancelled. Holds only the draft id and the keyed subject hash."""

    draft_id = fields.CharField(max_length=32, primary_key=True)
    subject_hash = fields.CharField(max_length=64, db_index=True)
    started_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        app = "drafts"
        table = "open_draft"
