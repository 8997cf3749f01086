"""The worklist and the sweep read case events by kind: an index on it."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0005_voice_and_answers')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='CaseEvent',
            name='kind',
            field=fields.CharField(db_index=True, max_length=32),
        ),
        # SQLite applies AlterField by rebuilding the table, which drops its indexes: put them all back
        # (on PostgreSQL every statement finds its index there already).
        ops.RunSQL([
            'CREATE INDEX IF NOT EXISTS "idx_case_event_at_5b2666" ON "case_event" ("at")',
            'CREATE INDEX IF NOT EXISTS "idx_case_event_case_id_1aa2da" ON "case_event" ("case_id")',
            'CREATE INDEX IF NOT EXISTS "idx_case_event_kind_dce186" ON "case_event" ("kind")',
        ]),
    ]
