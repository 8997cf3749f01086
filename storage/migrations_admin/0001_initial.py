from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='MonitorAssignment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('core.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='monitor_assignments', on_delete=OnDelete.CASCADE)),
                ('staff', fields.ForeignKeyField('core.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='monitor_assignments', on_delete=OnDelete.CASCADE)),
                ('assigned_by', fields.CharField(max_length=64)),
                ('assigned_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'admin_monitor_assignment', 'app': 'admin', 'unique_together': (('case', 'staff'),), 'pk_attr': 'id', 'table_description': 'A case handed to a monitor (作风监督员) who may read it and add findings, never see the reporter.'},
            bases=['Model'],
        ),
    ]
