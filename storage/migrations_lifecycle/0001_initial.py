from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='DeadlineNotice',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('core.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='deadline_notices', on_delete=OnDelete.CASCADE)),
                ('stage', fields.CharField(max_length=16)),
                ('due', fields.DateField()),
                ('kind', fields.CharField(max_length=16)),
                ('sweep', fields.CharField(db_index=True, max_length=32)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'lifecycle_notice', 'app': 'lifecycle', 'unique_together': (('case', 'stage', 'due', 'kind'),), 'pk_attr': 'id', 'table_description': 'One reminder or escalation the sweep made, so a second sweep never repeats it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DeadlineSetting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('category', fields.CharField(max_length=32)),
                ('stage', fields.CharField(max_length=16)),
                ('working_days', fields.IntField()),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'lifecycle_deadline', 'app': 'lifecycle', 'unique_together': (('category', 'stage'),), 'pk_attr': 'id', 'table_description': 'Working days allowed for one stage of one category (category * is the default).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Holiday',
            fields=[
                ('day', fields.DateField(primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(default='', max_length=64)),
                ('workday', fields.BooleanField(default=False)),
            ],
            options={'table': 'lifecycle_holiday', 'app': 'lifecycle', 'pk_attr': 'day', 'table_description': 'A public holiday, or with workday set a weekend day that is worked (调休).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReviewTurn',
            fields=[
                ('zone', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=32)),
                ('turn', fields.IntField(default=0)),
            ],
            options={'table': 'lifecycle_review_turn', 'app': 'lifecycle', 'pk_attr': 'zone', 'table_description': 'Whose turn it is to cross-review in a cooperation zone (协作区).'},
            bases=['Model'],
        ),
    ]
