"""Receipts become argon2id hashes with a per-installation salt (SPEC "Privacy and security").

A receipt is never stored, so an old HMAC hash cannot be turned into the new one here: it is
marked `h:` (its first 62 hex digits) and moves to argon2id the first time its receipt is looked
up (handlers.cases.queries.find_by_receipt). New receipts are stored as `a2:` + argon2id.
"""
from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('core', '0003_case_draft_id')]

    initial = False

    operations = [
        ops.CreateModel(
            name='InstallationValue',
            fields=[
                ('name', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=32)),
                ('value', fields.CharField(max_length=128)),
            ],
            options={'table': 'installation_value', 'app': 'core', 'pk_attr': 'name'},
            bases=['Model'],
        ),
        ops.RunSQL([
            "UPDATE case_report SET receipt_hash = 'h:' || substr(receipt_hash, 1, 62) "
            "WHERE receipt_hash IS NOT NULL AND receipt_hash NOT LIKE 'a2:%' AND receipt_hash NOT LIKE 'h:%'",
        ]),
    ]
