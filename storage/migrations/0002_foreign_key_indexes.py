from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Attachment',
            name='case',
            field=fields.ForeignKeyField('core.Case', source_field='case_id', db_index=True, db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='Case',
            name='linked_to',
            field=fields.ForeignKeyField('core.Case', source_field='linked_to_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='linked', on_delete=OnDelete.SET_NULL),
        ),
        ops.AlterField(
            model_name='Case',
            name='village',
            field=fields.ForeignKeyField('core.Village', source_field='village_id', null=True, db_index=True, db_constraint=True, to_field='code', related_name='cases', on_delete=OnDelete.SET_NULL),
        ),
        ops.AlterField(
            model_name='CaseEvent',
            name='case',
            field=fields.ForeignKeyField('core.Case', source_field='case_id', db_index=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='OutboxMessage',
            name='case',
            field=fields.ForeignKeyField('core.Case', source_field='case_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='outbox', on_delete=OnDelete.SET_NULL),
        ),
        # SQLite applies AlterField by rebuilding the table, which drops its indexes: put them all back
        # (on PostgreSQL every statement finds its index there already).
        ops.RunSQL([
            'CREATE INDEX IF NOT EXISTS "idx_attachment_case_id_bfc2a0" ON "attachment" ("case_id")',
            'CREATE INDEX IF NOT EXISTS "idx_case_event_at_5b2666" ON "case_event" ("at")',
            'CREATE INDEX IF NOT EXISTS "idx_case_event_case_id_1aa2da" ON "case_event" ("case_id")',
            'CREATE INDEX IF NOT EXISTS "idx_case_report_categor_ab7e77" ON "case_report" ("category")',
            'CREATE INDEX IF NOT EXISTS "idx_case_report_created_38e718" ON "case_report" ("created_at")',
            'CREATE INDEX IF NOT EXISTS "idx_case_report_linked__db487e" ON "case_report" ("linked_to_id")',
            'CREATE INDEX IF NOT EXISTS "idx_case_report_office_cd2c74" ON "case_report" ("office")',
            'CREATE INDEX IF NOT EXISTS "idx_case_report_status_601e77" ON "case_report" ("status")',
            'CREATE INDEX IF NOT EXISTS "idx_case_report_village_3347f2" ON "case_report" ("village_id")',
            'CREATE INDEX IF NOT EXISTS "idx_outbox_mess_case_id_215189" ON "outbox_message" ("case_id")',
            'CREATE INDEX IF NOT EXISTS "idx_outbox_mess_next_at_9c52b3" ON "outbox_message" ("next_attempt_at")',
            'CREATE INDEX IF NOT EXISTS "idx_outbox_mess_status_4cdf01" ON "outbox_message" ("status")',
        ]),
    ]
