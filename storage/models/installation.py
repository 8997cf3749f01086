"""Values one installation draws once and keeps (no key: nothing here is secret by itself)."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class InstallationValue(Model):
    """A named value drawn once per installation, such as the receipts' argon2id salt."""
    name = fields.CharField(max_length=32, primary_key=True)
    value = fields.CharField(max_length=128)

    class Meta:
        app = "core"
        table = "installation_value"
