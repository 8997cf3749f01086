from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('compare', '0001_initial'), ('core', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ProgramStandard',
            name='universal',
            field=fields.BooleanField(default=False),
        ),
    ]
