"""Append-only audit log, each entry is chained to the previous one by hash."""
from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField()
    actor = fields.CharField(max_length=64)
    action = fields.CharField(max_length=64, db_index=True)
    target = fields.CharField(max_length=128, default="")
    detail = fields.JSONField(default=dict)
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64, unique=True)

    class Meta:
        app = "core"
        table = "audit_entry"


# What each audited action is called on the audit page (a prefix ending in "." names a family of actions).
ACTION_NAMES: dict[str, str] = {
    "auth.login": "登录", "auth.locked": "账户因多次输错被锁定", "auth.password_changed": "修改密码",
    "auth.totp_enrolled": "绑定身份验证器", "audit.verify": "校验审计日志", "outbox.resend": "重发被拒收的消息",
    "reporter.reveal": "查看举报人身份", "case.reassign": "改派案件", "case.recategorise": "更正案件类别",
    "case.monitor_assigned": "交办作风监督员", "case.merge": "合并重复案件", "case.unlink": "解除案件关联", "cases.export": "导出案件表", "statistics.export": "导出统计报表",
    "findings.export": "导出比对线索", "findings.view": "查看比对线索", "compare.run": "运行大数据比对", "compare.start": "从工作台启动大数据比对",
    "compare.explain": "说明比对线索", "compare.import.": "导入比对数据",
    "staff.create": "新建账户", "staff.activate": "启用账户", "staff.deactivate": "停用账户",
    "staff.bind": "绑定微信账号", "staff.bindcode": "生成微信绑定码",
    "registry.import": "导入行政区划", "subsidies.import": "导入惠民资金数据", "subsidy.lookup": "查询惠民资金",
    "subsidy.id_probed": "疑似试探身份证号", "reports.similar_check": "小程序查重",
    "calendar.change": "修改节假日", "deadline.set": "设置办理期限", "keys.rotate": "更换密钥",
    "retention.purge": "删除到期个人信息", "model.train": "重新训练分类模型", "model.switch": "切换分类模型",
    "model.keywords": "保存类别关键词", "model.model": "保存分类模型", "group.bind": "绑定村微信群",
    "announce": "群发公告", "powers.import": "导入小微权力清单", "powers.edit": "修改小微权力事项",
    "disclosure.upload": "上传村务公开", "disclosure.replace": "替换村务公开", "disclosure.period": "设置公开周期",
    "outcome.propose": "拟公开查处结果", "outcome.publish": "公开查处结果", "outcome.withdraw": "撤回查处结果",
    "topics.create": "发起群众点题", "topics.": "群众点题轮次变更",
}


def action_name(action: str) -> str:
    if action in ACTION_NAMES:
        return ACTION_NAMES[action]
    family = next((name for key, name in ACTION_NAMES.items() if key.endswith(".") and action.startswith(key)), None)
    return family or "其他操作"
