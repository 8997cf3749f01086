from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0002_foreign_key_indexes')]

    initial = True

    operations = [
        ops.CreateModel(
            name='GroupRobot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.OneToOneField('core.WechatGroup', source_field='group_id', db_constraint=True, to_field='chat_id', related_name='robot', on_delete=OnDelete.CASCADE)),
                ('key_enc', fields.TextField(unique=False)),
                ('key_hint', fields.CharField(max_length=8)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'operator_group_robot', 'app': 'operator', 'pk_attr': 'id', 'table_description': 'The group-robot webhook key of a bound village group, sealed (a secret: only its last 4 characters shown).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ModelFile',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(db_index=True, max_length=16)),
                ('content', fields.TextField(unique=False)),
                ('sha256', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('created_by', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'operator_model_file', 'app': 'operator', 'pk_attr': 'id', 'table_description': 'One version of a classifier file (keywords or model) saved from the panel. The newest of a kind is live.'},
            bases=['Model'],
        ),
    ]
