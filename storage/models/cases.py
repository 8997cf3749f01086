"""Reports (cases), the reporter's identity kept apart, events, attachments, links."""
from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Status(StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    REFERRED = "referred"
    REJECTED = "rejected"
    INVESTIGATING = "investigating"
    RESOLVED = "resolved"
    RATED = "rated"
    NOT_ACCEPTED = "not_accepted"  # `other`: kept for statistics only


# The one definition of the case vocabulary: which statuses count as open, and the Chinese each is shown as.
OPEN_STATUSES: tuple[Status, ...] = (Status.RECEIVED, Status.ACCEPTED, Status.INVESTIGATING)
CLOSED_STATUSES: tuple[Status, ...] = (Status.REFERRED, Status.REJECTED, Status.RESOLVED, Status.RATED)
STATUS_NAMES: dict[Status, str] = {
    Status.RECEIVED: "待受理", Status.ACCEPTED: "已受理", Status.REFERRED: "已转办", Status.REJECTED: "不予受理",
    Status.INVESTIGATING: "调查中", Status.RESOLVED: "已办结", Status.RATED: "已评价", Status.NOT_ACCEPTED: "不属受理范围",
}
# Every kind of CaseEvent, with the name staff read on the timeline (what the reporter reads: handlers/cases/queries.py).
EVENT_NAMES: dict[str, str] = {
    "filed": "登记", "routed": "分流", "accepted": "受理", "referred": "转办", "rejected": "不予受理",
    "investigating": "开始调查", "finding": "调查情况", "reply": "答复举报人", "resolved": "办结", "rated": "评价",
    "extended": "延期", "reassigned": "改派", "recategorised": "更正类别", "monitor_assigned": "交办监督员",
    "identity_revealed": "查看举报人身份", "escalated": "督办", "reopened": "重新办理",
    "reminded": "到期提醒", "overdue_again": "督办后仍逾期", "followed": "群众附议", "linked": "关联相似反映",
    "attachment_refused": "附件未通过检查", "attachment_pending": "附件待取回", "rescheduled": "期限随节假日调整",
    "personal_data_purged": "个人信息保存期满删除",
    "question": "向举报人提问", "answer": "举报人回答", "supplement": "举报人补充", "follows_up": "续报",
    "merged": "并案（手动合并重复件）", "unlinked": "解除关联",
}

# Where a report came in, as staff read it (Case.channel, ReporterIdentity.channel). Staff register the
# INTAKE_CHANNELS by hand (来信、来访、来电、12388 and other platforms: handlers/cases/intake.py).
CHANNEL_NAMES: dict[str, str] = {
    "mp": "公众号", "work": "企业微信", "miniapp": "小程序", "compare": "大数据比对", "panel": "工作人员登记",
    "cli": "命令行导入", "demo": "演示数据",
    "letter": "来信", "visit": "来访", "phone": "来电", "12388": "12388举报平台", "platform": "其他平台转来",
}
INTAKE_CHANNELS: tuple[str, ...] = ("letter", "visit", "phone", "12388", "platform")
RATING_NAMES: dict[str, str] = {"satisfied": "满意", "unsatisfied": "不满意"}


class Case(Model):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=20, unique=True, null=True)
    channel = fields.CharField(max_length=16)  # a key of CHANNEL_NAMES
    category = fields.CharField(max_length=32, db_index=True)
    category_confidence = fields.FloatField(default=0.0)
    category_keywords = fields.JSONField(default=list)
    text = fields.TextField()
    township = fields.ForeignKeyField("core.Township", related_name="cases", null=True, on_delete=fields.SET_NULL)
    village = fields.ForeignKeyField("core.Village", related_name="cases", null=True, on_delete=fields.SET_NULL,
                                     db_index=True)
    level = fields.CharField(max_length=16, default="unknown")
    route_to = fields.CharField(max_length=16, default="")  # the first routing decision
    route_reason = fields.TextField(default="")
    office = fields.CharField(max_length=16, db_index=True, default="")  # who handles it now
    status = fields.CharEnumField(Status, max_length=16, db_index=True, default=Status.RECEIVED)
    result = fields.TextField(null=True)
    anonymous = fields.BooleanField(default=True)
    receipt_hash = fields.CharField(max_length=64, unique=True, null=True)
    rating = fields.CharField(max_length=16, null=True)
    rating_reason = fields.TextField(null=True)
    priority = fields.IntField(default=0)
    linked_to = fields.ForeignKeyField("core.Case", related_name="linked", null=True, on_delete=fields.SET_NULL,
                                       db_index=True)
    simhash = fields.BigIntField(null=True)
    accept_due = fields.DateField(null=True)
    resolve_due = fields.DateField(null=True)
    overdue_level = fields.IntField(default=0)
    review_round = fields.IntField(default=0)
    source_ref = fields.JSONField(null=True)  # e.g. the subsidy record a dispute is about
    answers_enc = fields.TextField(null=True)  # the category's questions answered (sealed JSON, nlp.categories)
    # The conversation's draft: a filing repeated (lock expired, retry, Redis lost the reply) finds this case
    draft_id = fields.CharField(max_length=32, unique=True, null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        app = "core"
        table = "case_report"


class ReporterIdentity(Model):
    """Who filed a 实名 report, apart from the report and encrypted. Anonymous reports have none."""

    id = fields.IntField(primary_key=True)
    case = fields.OneToOneField("core.Case", related_name="identity", on_delete=fields.CASCADE)
    subject_hash = fields.CharField(max_length=64, db_index=True)  # keyed hash of the openid
    channel = fields.CharField(max_length=16)
    openid_enc = fields.TextField()
    name_enc = fields.TextField(null=True)
    phone_enc = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "core"
        table = "reporter_identity"


class CaseEvent(Model):
    """One state change or action on a case: who, when, why."""

    id = fields.IntField(primary_key=True)
    case = fields.ForeignKeyField("core.Case", related_name="events", on_delete=fields.CASCADE, db_index=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor = fields.CharField(max_length=64)  # "staff:12", "reporter", "system", "worker"
    kind = fields.CharField(max_length=32, db_index=True)  # the worklist and the sweep read events by kind
    from_status = fields.CharField(max_length=16, default="")
    to_status = fields.CharField(max_length=16, default="")
    reason = fields.TextField(default="")
    public = fields.BooleanField(default=False)  # shown to the reporter
    data = fields.JSONField(default=dict)

    class Meta:
        app = "core"
        table = "case_event"


# A file of a case, encrypted at rest. A voice is kept as sent, with WeChat's recognition beside it, and a
# copy the panel's browser plays is another row whose derived_from names the original.
class Attachment(Model):
    id = fields.IntField(primary_key=True)
    case = fields.ForeignKeyField("core.Case", related_name="attachments", on_delete=fields.CASCADE, db_index=True)
    kind = fields.CharField(max_length=16)  # image | voice | file
    content_type = fields.CharField(max_length=64)
    size = fields.IntField()
    path = fields.CharField(max_length=255)  # relative to var/attachments, encrypted at rest
    sha256 = fields.CharField(max_length=64)
    transcript = fields.TextField(null=True)  # WeChat's recognition of a voice, for staff to check against it
    derived_from = fields.ForeignKeyField("core.Attachment", related_name="derived", null=True,
                                          on_delete=fields.CASCADE, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "core"
        table = "attachment"
