from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0002_foreign_key_indexes')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Case',
            name='draft_id',
            field=fields.CharField(null=True, unique=True, max_length=32),
        ),
    ]
