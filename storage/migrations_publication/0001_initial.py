from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from storage.models.publication import DisclosureKind, OutcomeStatus, RoundStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0002_foreign_key_indexes')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Announcement',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(default='general', max_length=16)),
                ('title', fields.CharField(default='', max_length=128)),
                ('text', fields.TextField(unique=False)),
                ('office_code', fields.CharField(default='', max_length=16)),
                ('office_name', fields.CharField(default='', max_length=64)),
                ('sender', fields.CharField(default='', max_length=64)),
                ('groups', fields.IntField(default=0)),
                ('sent_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'publication_announcement', 'app': 'publication', 'pk_attr': 'id', 'table_description': 'An announcement (公示) as it was sent to village groups, kept for the archive.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AnnouncementVillage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('announcement', fields.ForeignKeyField('publication.Announcement', source_field='announcement_id', db_constraint=True, to_field='id', related_name='villages', on_delete=OnDelete.CASCADE)),
                ('village_id', fields.CharField(db_index=True, max_length=16)),
            ],
            options={'table': 'publication_announcement_village', 'app': 'publication', 'unique_together': (('announcement', 'village_id'),), 'pk_attr': 'id', 'table_description': 'Which villages an announcement reached (through their groups).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DisclosurePeriod',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='FINANCE: finance\nASSETS: assets\nDECISIONS: decisions', enum_type=DisclosureKind, max_length=16)),
                ('label', fields.CharField(max_length=32)),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField()),
                ('due_on', fields.DateField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'publication_period', 'app': 'publication', 'unique_together': (('kind', 'label'),), 'pk_attr': 'id', 'table_description': 'A period every village must disclose for, with the date the disclosure is due.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Disclosure',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('village', fields.ForeignKeyField('core.Village', source_field='village_id', db_constraint=True, to_field='code', related_name='disclosures', on_delete=OnDelete.RESTRICT)),
                ('period', fields.ForeignKeyField('publication.DisclosurePeriod', source_field='period_id', db_constraint=True, to_field='id', related_name='disclosures', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=128)),
                ('summary', fields.TextField(default='', unique=False)),
                ('file_name', fields.CharField(default='', max_length=128)),
                ('content_type', fields.CharField(default='', max_length=96)),
                ('content', fields.BinaryField(null=True)),
                ('published_on', fields.DateField()),
                ('uploaded_by', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'publication_disclosure', 'app': 'publication', 'unique_together': (('village', 'period'),), 'pk_attr': 'id', 'table_description': "A village's disclosure for one period (the uploaded XLSX or PDF and a short summary)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Outcome',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.OneToOneField('core.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='outcome', on_delete=OnDelete.CASCADE)),
                ('category', fields.CharField(max_length=32)),
                ('township_id', fields.CharField(default='', db_index=True, max_length=12)),
                ('village_id', fields.CharField(default='', db_index=True, max_length=16)),
                ('result', fields.CharField(max_length=32)),
                ('summary', fields.TextField(default='', unique=False)),
                ('closed_on', fields.DateField()),
                ('status', fields.CharEnumField(default=OutcomeStatus.PENDING, db_index=True, description='PENDING: pending\nPUBLISHED: published\nWITHDRAWN: withdrawn', enum_type=OutcomeStatus, max_length=16)),
                ('proposed_by', fields.CharField(default='', max_length=64)),
                ('reviewed_by', fields.CharField(default='', max_length=64)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'publication_outcome', 'app': 'publication', 'pk_attr': 'id', 'table_description': 'The published outcome of a closed case (查处结果公开): never the reporter, never the case text.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PowerItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('title', fields.CharField(max_length=64)),
                ('section', fields.CharField(default='', max_length=32)),
                ('categories', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('keywords', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('decider', fields.CharField(default='', max_length=128)),
                ('steps', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('documents', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('time_limit', fields.CharField(default='', max_length=64)),
                ('basis', fields.TextField(default='', unique=False)),
                ('position', fields.IntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'publication_power', 'app': 'publication', 'pk_attr': 'id', 'table_description': 'One item of the 小微权力清单: who decides, the steps, the documents, the time limit, the basis.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TopicRound',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('title', fields.CharField(max_length=128)),
                ('opens_on', fields.DateField()),
                ('closes_on', fields.DateField()),
                ('status', fields.CharEnumField(default=RoundStatus.DRAFT, db_index=True, description='DRAFT: draft\nOPEN: open\nCLOSED: closed', enum_type=RoundStatus, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'publication_round', 'app': 'publication', 'pk_attr': 'id', 'table_description': 'A round of 群众点题: villagers choose which topics are supervised next.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Topic',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.ForeignKeyField('publication.TopicRound', source_field='round_id', db_constraint=True, to_field='id', related_name='topics', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=64)),
                ('description', fields.TextField(default='', unique=False)),
                ('position', fields.IntField(default=0)),
                ('chosen', fields.BooleanField(default=False)),
            ],
            options={'table': 'publication_topic', 'app': 'publication', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TopicVote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.ForeignKeyField('publication.TopicRound', source_field='round_id', db_constraint=True, to_field='id', related_name='votes', on_delete=OnDelete.CASCADE)),
                ('topic', fields.ForeignKeyField('publication.Topic', source_field='topic_id', db_constraint=True, to_field='id', related_name='votes', on_delete=OnDelete.CASCADE)),
                ('subject_hash', fields.CharField(max_length=64)),
                ('township_id', fields.CharField(default='', db_index=True, max_length=12)),
                ('channel', fields.CharField(default='', max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'publication_vote', 'app': 'publication', 'unique_together': (('round', 'subject_hash'),), 'pk_attr': 'id', 'table_description': "One villager's vote in a round, keyed by their subject hash: one per round."},
            bases=['Model'],
        ),
    ]
