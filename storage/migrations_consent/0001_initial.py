from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='SubscribeConsent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subject_hash', fields.CharField(db_index=True, max_length=64)),
                ('template_id', fields.CharField(max_length=64)),
                ('status', fields.CharField(max_length=8)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'subscribe_consent', 'app': 'consent', 'unique_together': (('subject_hash', 'template_id'),), 'pk_attr': 'id', 'table_description': "One user's last answer for one subscribe template (accept, reject, ban, filter). No openid, a keyed hash only."},
            bases=['Model'],
        ),
    ]
