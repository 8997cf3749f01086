from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='OpenDraft',
            fields=[
                ('draft_id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=32)),
                ('subject_hash', fields.CharField(db_index=True, max_length=64)),
                ('started_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'open_draft', 'app': 'drafts', 'pk_attr': 'draft_id', 'table_description': 'A report flow started and not yet filed or cancelled. Holds only the draft id and the keyed subject hash.'},
            bases=['Model'],
        ),
    ]
