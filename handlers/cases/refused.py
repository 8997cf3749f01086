"""Messages WeChat refused for good (bot.wechat_api.REFUSALS), and the ones still trying long, for the panel.

    failed (a definitive refusal: 43004 unfollowed, 40003 bad openid…) ──re-send (county roles, audited)──> pending
    pending with attempts ≥ QINGFENG_OUTBOX_MAX_ATTEMPTS: shown as delayed; the worker keeps trying, nothing to do

Nothing personal is read: the recipient stays sealed, a late reply's text is sealed too (and forgotten once
refused, so it cannot be sent again: the villager's conversation answers them next time they write).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.wechat_api import REFUSALS
from storage import audit
from storage.china_time import utcnow
from storage.models import OutboxMessage

KIND_NAMES = {"custom_text": "客服消息", "template": "模板消息", "subscribe": "订阅消息",
              "wecom_app": "企业微信应用消息", "webhook": "群机器人消息"}
AUDIENCE_NAMES = {"staff": "办案人员通知", "reporter": "举报人通知", "reply": "对群众的答复"}
_ERRCODE = re.compile(r"^errcode (-?\d+)")
SHOWN = 200  # the newest; older ones are counted


@dataclass(frozen=True)
class Refused:
    id: int
    kind: str  # its Chinese name
    audience: str
    case_number: str
    reason: str  # the refusal's Chinese name (never the recipient)
    attempts: int
    created_at: datetime
    resendable: bool  # a late reply refused is forgotten: nothing left to send


def _reason(last_error: str) -> str:
    m = _ERRCODE.match(last_error or "")
    if m and int(m.group(1)) in REFUSALS:
        return f"{REFUSALS[int(m.group(1))]}（错误码 {m.group(1)}）"
    return "消息无法发送（数据有误）"


def _audience(m: OutboxMessage) -> str:
    payload = m.payload if isinstance(m.payload, dict) else {}
    if "sealed" in payload or "thread" in payload or m.recipient_enc == "":
        return AUDIENCE_NAMES["reply"] if m.case_id is None else AUDIENCE_NAMES["reporter"]
    return AUDIENCE_NAMES.get(str(payload.get("audience", "")), "通知")


async def _rows(status: str, min_attempts: int = 0) -> tuple[list[Refused], int]:
    q = OutboxMessage.filter(status=status, attempts__gte=min_attempts)
    total = await q.count()
    rows = await q.order_by("-id").limit(SHOWN).prefetch_related("case")
    return [Refused(m.id, KIND_NAMES.get(m.kind, m.kind), _audience(m), (m.case.number or "") if m.case else "",
                    _reason(m.last_error) if status == "failed" else "微信暂时无法送达，仍在重试",
                    m.attempts, m.created_at, status == "failed" and m.recipient_enc != "") for m in rows], total


async def refused() -> tuple[list[Refused], int]:
    """WeChat's definitive refusals, newest first, and how many there are."""
    return await _rows("failed")


async def delayed(max_attempts: int) -> tuple[list[Refused], int]:
    """Messages tried `max_attempts` times or more and still waiting (an outage): shown, still retried."""
    return await _rows("pending", max_attempts)


class NotResendable(Exception):
    pass


async def resend(message_id: int, actor: str, reason: str) -> None:
    """Back to the queue: pending now, attempts from zero; audited with who and why. Only a refused row that
    still has its recipient (a forgotten late reply has none)."""
    async with audit.transaction() as entries:
        changed = await OutboxMessage.filter(id=message_id, status="failed").exclude(recipient_enc="").using_db(
            entries.conn).update(
            status="pending", attempts=0, next_attempt_at=utcnow(), last_error="")
        if changed != 1:
            raise NotResendable("这条消息不是被拒收的消息，或已清除收件人，不能重发。")
        await entries.append(actor, "outbox.resend", f"outbox:{message_id}", {"reason": reason[:200]})
