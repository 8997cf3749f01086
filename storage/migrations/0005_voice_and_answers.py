from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0004_receipts_argon2id')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Attachment',
            name='derived_from',
            field=fields.ForeignKeyField('core.Attachment', source_field='derived_from_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='derived', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='Attachment',
            name='transcript',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='Case',
            name='answers_enc',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AlterModelOptions(
            name='InstallationValue',
            options={'table': 'installation_value', 'app': 'core', 'pk_attr': 'name', 'table_description': "A named value drawn once per installation, such as the receipts' argon2id salt."},
        ),
    ]
