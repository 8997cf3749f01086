"""The audit log as a clerk reads it: who (a name and a role, 群众 for a villager), what (the action's
Chinese name), on what, and the details as words, never `staff:1`, `villager:<hash>` or JSON.

The entries themselves stay as written (the hash chain covers them); only the page translates.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nlp.categories import CATEGORY_NAMES
from storage.models import CHANNEL_NAMES, ROLE_NAMES, STATUS_NAMES, AuditEntry, Role, Staff
from storage.models.audit import action_name

ACTORS = {"reporter": "举报人", "system": "系统", "worker": "系统", "cli": "命令行", "demo": "演示程序"}
# actor prefixes that name a villager by a keyed hash: never shown, a villager is 群众
VILLAGER_PREFIXES = {"villager": "群众", "miniapp": "群众（小程序）", "mp": "群众", "work": "群众（企业微信）"}
TARGETS = {"finding": "比对线索", "model_file": "模型文件", "round": "点题轮次", "power": "权力事项",
           "disclosure": "村务公开", "period": "公开周期", "batch": "导入批次", "import_batch": "导入批次",
           "group": "村微信群", "case": "案件", "outbox": "待发消息", "day": "日期", "subsidy_lookup": "查询记录"}
DETAIL_NAMES = {
    "reason": "理由", "rows": "行数", "filters": "筛选条件", "status": "状态", "category": "类别",
    "township": "乡镇", "village": "村", "overdue": "仅超期", "since": "自", "until": "至", "q": "关键字",
    "from": "原承办单位", "to": "改派至", "office": "承办单位", "monitor": "监督员", "kind": "类型",
    "period": "期间", "cases": "案件数", "created": "新增", "updated": "更新", "skipped": "跳过", "new": "新线索",
    "found": "发现", "records": "记录数", "channel": "渠道", "ok": "哈希链完好", "checked": "核对条数",
    "working_days": "工作日", "previous_days": "原工作日", "what": "内容", "rescheduled": "随之调整的期限", "groups": "群数", "chars": "字数",
    "totp": "动态验证码", "test": "测试结果", "n": "样本", "category_accuracy": "准确率",
    "category_macro_f1": "类别平均得分", "route_accuracy": "分流准确率", "fields": "修改项", "chosen": "入选议题",
    "topics": "议题数", "outcome": "查处结果", "result": "结果", "role": "角色", "scope": "管辖范围",
    "name": "名称", "size": "大小（字节）", "bytes": "大小（字节）", "ttl_s": "有效期（秒）", "label": "名称",
    "imported": "导入", "entries": "条数", "failures": "失败", "clues": "线索", "due_on": "到期日",
    "rule": "规则", "summary": "摘要", "skipped_bad": "跳过的错误行", "existing": "已有", "more": "更多",
    "notified": "已通知", "robot": "群机器人", "verify": "校验", "masked": "已遮盖", "identity": "身份",
    "into": "并入", "moved": "随之并入的件数", "root": "原所在组的主件", "zones": "协作区", "townships": "乡镇", "villages": "村", "programs": "项目",
    "case": "案件", "event": "案件记录", "with": "关联案件", "data_kid": "数据密钥", "hmac_kid": "索引密钥",
}
HIDDEN = {"id_hash", "sha256", "event"}  # hashes and row ids say nothing to a reader


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: Any
    actor: str
    action: str
    target: str
    detail: str
    literal: bool  # the target is shown as written (a file name, a case number): not prose


class AuditNames:
    """The names an audit page needs, read once per page."""

    def __init__(self, staff: dict[int, Staff], places: dict[str, str]) -> None:
        self.staff, self.places = staff, places

    @classmethod
    async def load(cls, offices: dict[str, str], villages: dict[str, str]) -> "AuditNames":
        return cls({s.id: s for s in await Staff.all()}, {**villages, **offices})

    def person(self, staff_id: str) -> str:
        s = self.staff.get(int(staff_id)) if staff_id.isdigit() else None
        if s is None:
            return "已删除的账户"
        return f"{s.display_name or s.username}（{ROLE_NAMES.get(Role(s.role), '')}）"

    def actor(self, actor: str) -> str:
        prefix, _, rest = actor.partition(":")
        if prefix == "staff":
            return self.person(rest)
        if prefix in VILLAGER_PREFIXES:
            return VILLAGER_PREFIXES[prefix]
        return ACTORS.get(actor, "系统")

    def target(self, target: str) -> str:
        prefix, sep, rest = target.partition(":")
        if not sep:
            return self.places.get(target, target)
        if prefix == "staff":
            return self.person(rest)
        if prefix == "user":
            return f"账户 {rest}" if rest != "?" else "不存在的账户"
        if prefix == "subsidy_id":
            return "身份证号（已加密）"
        if prefix in TARGETS:
            return f"{TARGETS[prefix]} {rest}"
        return target

    def value(self, key: str, v: Any) -> str:
        if isinstance(v, bool):
            return "是" if v else "否"
        if isinstance(v, dict):
            return "，".join(f"{self.key(k)} {self.value(k, x)}" for k, x in v.items() if k not in HIDDEN)
        if isinstance(v, (list, tuple)):
            return "、".join(self.value(key, x) for x in v) or "无"
        s = "" if v is None else str(v)
        if key == "monitor":
            return self.person(s)
        if key == "category":
            return CATEGORY_NAMES.get(s, s)
        if key == "status":
            return STATUS_NAMES.get(s, s)  # type: ignore[call-overload]
        if key == "channel":
            return CHANNEL_NAMES.get(s, s)
        if key == "rule":
            from handlers.compare import RULES_BY_NAME

            return RULES_BY_NAME[s].title if s in RULES_BY_NAME else s
        return self.places.get(s, s)

    @staticmethod
    def key(k: str) -> str:
        """A detail's key: a field name, or a comparison rule (compare.run counts per rule)."""
        from handlers.compare import RULES_BY_NAME

        rule = RULES_BY_NAME.get(k)
        return DETAIL_NAMES.get(k) or (rule.title if rule else "其他")

    def detail(self, detail: dict[str, Any]) -> str:
        parts = [f"{self.key(k)}：{self.value(k, v)}" for k, v in (detail or {}).items()
                 if k not in HIDDEN]
        return "；".join(parts)

    def line(self, e: AuditEntry) -> AuditLine:
        target = self.target(e.target)
        return AuditLine(e.id, e.at, self.actor(e.actor), action_name(e.action), target, self.detail(e.detail),
                         target == e.target)
