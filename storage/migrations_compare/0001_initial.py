from tortoise import migrations
from tortoise.migrations import operations as ops
from storage.models.compare import FindingStatus, Period
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='DeathRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('id_hash', fields.CharField(unique=True, max_length=64)),
                ('id_enc', fields.TextField(unique=False)),
                ('name_enc', fields.TextField(null=True, unique=False)),
                ('died_on', fields.DateField()),
                ('source', fields.CharField(default='', max_length=64)),
                ('batch_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'compare_death', 'app': 'compare', 'pk_attr': 'id', 'table_description': 'A recorded death (from civil affairs or the police household register).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Finding',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('rule', fields.CharField(db_index=True, max_length=32)),
                ('fingerprint', fields.CharField(unique=True, max_length=64)),
                ('id_hash', fields.CharField(db_index=True, max_length=64)),
                ('village_id', fields.CharField(null=True, max_length=16)),
                ('township_id', fields.CharField(null=True, db_index=True, max_length=12)),
                ('program', fields.CharField(default='', max_length=64)),
                ('period', fields.CharField(default='', max_length=16)),
                ('records', fields.IntField(default=0)),
                ('amount', fields.DecimalField(default=0, max_digits=14, decimal_places=2)),
                ('first_paid', fields.DateField(null=True)),
                ('last_paid', fields.DateField(null=True)),
                ('note', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=FindingStatus.OPEN, db_index=True, description='OPEN: open\nEXPLAINED: explained', enum_type=FindingStatus, max_length=16)),
                ('explained_reason', fields.TextField(default='', unique=False)),
                ('explained_by', fields.CharField(default='', max_length=64)),
                ('explained_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('case', fields.ForeignKeyField('core.Case', source_field='case_id', null=True, db_constraint=True, to_field='id', related_name='findings', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('last_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'compare_finding', 'app': 'compare', 'pk_attr': 'id', 'table_description': 'One suspected problem a rule found, identified by a fingerprint of its rule and keys.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Official',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('id_hash', fields.CharField(db_index=True, max_length=64)),
                ('id_enc', fields.TextField(unique=False)),
                ('name_enc', fields.TextField(unique=False)),
                ('village', fields.ForeignKeyField('core.Village', source_field='village_id', db_constraint=True, to_field='code', related_name='officials', on_delete=OnDelete.RESTRICT)),
                ('post', fields.CharField(max_length=32)),
                ('batch_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'compare_official', 'app': 'compare', 'unique_together': (('id_hash', 'village'),), 'pk_attr': 'id', 'table_description': 'A village official (村干部) and the village they serve.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProgramStandard',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('program', fields.CharField(unique=True, max_length=64)),
                ('max_per_payment', fields.DecimalField(null=True, max_digits=14, decimal_places=2)),
                ('max_per_year', fields.DecimalField(null=True, max_digits=14, decimal_places=2)),
                ('period', fields.CharEnumField(default=Period.MONTH, description='MONTH: month\nQUARTER: quarter\nYEAR: year\nONCE: once', enum_type=Period, max_length=8)),
                ('notes', fields.TextField(default='', unique=False)),
                ('batch_id', fields.IntField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'compare_standard', 'app': 'compare', 'pk_attr': 'id', 'table_description': 'The most a program may pay per payment and per year, and how often it pays.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Registration',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=16)),
                ('id_hash', fields.CharField(db_index=True, max_length=64)),
                ('id_enc', fields.TextField(unique=False)),
                ('name_enc', fields.TextField(null=True, unique=False)),
                ('ref_hash', fields.CharField(max_length=64)),
                ('ref_enc', fields.TextField(unique=False)),
                ('registered_on', fields.DateField()),
                ('ended_on', fields.DateField(null=True)),
                ('source', fields.CharField(default='', max_length=64)),
                ('batch_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'compare_registration', 'app': 'compare', 'unique_together': (('kind', 'ref_hash'),), 'pk_attr': 'id', 'table_description': 'A vehicle or a business registered to a person (车辆登记, 市场主体登记).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Relative',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('official_hash', fields.CharField(db_index=True, max_length=64)),
                ('id_hash', fields.CharField(db_index=True, max_length=64)),
                ('id_enc', fields.TextField(unique=False)),
                ('name_enc', fields.TextField(null=True, unique=False)),
                ('relation', fields.CharField(max_length=16)),
                ('batch_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'compare_relative', 'app': 'compare', 'unique_together': (('official_hash', 'id_hash'),), 'pk_attr': 'id', 'table_description': "A relative an official declared, keyed by the official's ID hash (joined to Official)."},
            bases=['Model'],
        ),
    ]
