from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('admin', '0001_initial'), ('core', '0004_receipts_argon2id')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CannedReply',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('category', fields.CharField(default='', db_index=True, max_length=32)),
                ('status', fields.CharField(default='', max_length=16)),
                ('title', fields.CharField(max_length=40)),
                ('text', fields.TextField(unique=False)),
                ('updated_by', fields.CharField(max_length=64)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'admin_canned_reply', 'app': 'admin', 'pk_attr': 'id', 'table_description': 'A reply to the reporter staff often send (常用答复), kept by the county admin and offered on the case'},
            bases=['Model'],
        ),
    ]
