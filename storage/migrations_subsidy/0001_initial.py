from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='SubsidySubscription',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('id_hash', fields.CharField(db_index=True, max_length=64)),
                ('id_enc', fields.TextField(unique=False)),
                ('subject_hash', fields.CharField(max_length=64)),
                ('channel', fields.CharField(max_length=8)),
                ('recipient_enc', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_batch_id', fields.IntField(default=0)),
            ],
            options={'table': 'subsidy_subscription', 'app': 'subsidy', 'unique_together': (('id_hash', 'subject_hash'),), 'pk_attr': 'id', 'table_description': "One villager's wish to hear of new records for one ID (keyed hash, sealed copy for key rotation)."},
            bases=['Model'],
        ),
    ]
