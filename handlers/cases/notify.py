"""Notifications as outbox rows, written in the transaction of the change they announce.

Staff and monitors get a masked summary — category, place, case number, deadline;
never the reporter, never the report's text — as a WeCom app message (bound in
WeCom) or a template message (bound in the official account). Reporters of 实名
cases get a short progress text: a customer-service message while WeChat's 48 h
window is open, else a template message (delivery decides when it sends).
Anonymous reporters get nothing pushed: they follow up with their receipt.

Payloads carry no personal data; the recipient is sealed (`recipient_enc`).
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from storage.china_time import today as china_today, utcnow
from storage.models import (
    COUNTY_ROLES, INTAKE_CHANNELS, Case, CaseEvent, OutboxMessage, ReporterIdentity, Role, Staff, StaffBinding,
)

if TYPE_CHECKING:
    from bot.services import Services
    from nlp import RegistryIndex


# What the reporter is told for each public event kind (the detail waits in 查询进度).
REPORTER_NEWS = {
    "accepted": "已受理", "referred": "已转交其他部门办理", "rejected": "经审查不予受理",
    "investigating": "已开始调查核实", "resolved": "已办结,请您评价", "reply": "办理单位给您回复了",
    "reassigned": "已转交其他单位办理", "extended": "办理期限已延长", "reopened": "已重新核查",
    "escalated": "已由县纪委监委督办", "question": "办理单位有问题想请您回答",
}
# The same, in at most 5 Chinese characters (a template's `phrase` key).
REPORTER_STATUS = {
    "accepted": "已受理", "referred": "已转交", "rejected": "不予受理", "investigating": "调查中", "resolved": "已办结",
    "reply": "有回复", "reassigned": "已转办", "extended": "已延期", "reopened": "重新核查", "escalated": "已督办",
    "question": "待您回答",
}


# The texts, the one definition: filled in here per case, and in SQL for a whole sweep (escalation.py, Sql.concat).
STAFF_TEXT = ("【清风】{label}\n案件编号:{number}\n类别:{category}\n地点:{place}\n办理期限:{due}\n"
              "请登录工作台查看,或回复【受理 {number}】等指令办理。")
# What the office is told when the reporter writes (the text itself waits in the panel).
REPORTER_WROTE = {"answer": "举报人回答了您的提问", "supplement": "举报人补充了情况"}
REPORTER_QUIET = timedelta(minutes=10)
REPORTER_TEXT = "您反映的问题(编号 {number}){news}。回复【查询进度 {number}】查看详情。"
REPORTER_HINT = "查询进度可看详情"
# A notice that asks a question says how to answer; its answer works whatever flow ran last (cases/pending.py).
REPORTER_ASKS = {"resolved": "对办理结果满意请回复1,不满意请回复2。"}
REPORTER_HINTS = {"resolved": "满意回复1,不满意回复2"}  # a template's 20 characters
UNKNOWN_PLACE = "地点待核实"


def staff_text(label: str, number: str, category: str, place: str, due: str) -> str:
    """The masked summary: category, place, case number, deadline; nobody's name."""
    return STAFF_TEXT.format(label=label, number=number, category=category, place=place, due=due)


def staff_template(label: str, number: str, category: str, place: str, due: str, note: str = "") -> dict[str, Any]:
    """The values of the "staff" template; its id and keys come from the settings when it is sent.
    A template's text keys hold 20 characters: `label` and `note` are kept short."""
    return {"purpose": "staff", "values": {"label": label, "number": number, "category": category,
                                           "place": place, "due": due, "note": note}}


def staff_kind(channel: str) -> str:
    return "wecom_app" if channel == "work" else "template"


def current_due(case: Case) -> date | None:
    return case.accept_due if case.status == "received" else case.resolve_due


def summary(case: Case, registry: "RegistryIndex") -> tuple[str, str, str, str]:
    """(number, category name, place, due) of a case: nothing that names anyone."""
    from nlp import CATEGORY_NAMES

    place = registry.place_label(case.township_id or "", case.village_id or "") or UNKNOWN_PLACE
    due = current_due(case)
    return case.number or "", CATEGORY_NAMES.get(case.category, case.category), place, due.isoformat() if due else "—"


async def recipients(office: str, conn: Any, registry: "RegistryIndex", *, village: str | None = None,
                     ) -> list[StaffBinding]:
    """Bindings of the active staff of a commission (and the monitors of `village` when given)."""
    county = registry.county_code
    roles = list(COUNTY_ROLES) if office == county else [Role.TOWNSHIP_STAFF]
    staff_ids = await Staff.filter(is_active=True, scope_code=office, role__in=roles).using_db(conn).values_list("id", flat=True)
    if village and office != county:  # village monitors follow their township's cases, not county ones
        staff_ids += await Staff.filter(is_active=True, scope_code=village, role=Role.MONITOR).using_db(conn).values_list("id", flat=True)
    if not staff_ids:
        return []
    return await StaffBinding.filter(staff_id__in=staff_ids).using_db(conn).order_by("id")


async def notify_office(case: Case, label: str, conn: Any, services: "Services", *, office: str | None = None,
                        village: str | None = None, detail: str = "", note: str = "") -> int:
    """One message per bound staff member of `office` (default: the case's office). Returns the count.
    `detail` follows the label in texts; `note` is its short form for templates."""
    registry = await services.registry()  # once for the summary and the recipients
    number, category, place, due = summary(case, registry)
    text = staff_text(label + detail, number, category, place, due)
    template = staff_template(label, number, category, place, due, note)
    rows = [OutboxMessage(kind=staff_kind(b.channel), recipient_enc=b.external_enc, case_id=case.id,
                          payload={"audience": "staff", "text": text, "template": template}, next_attempt_at=utcnow())
            for b in await recipients(office or case.office, conn, registry, village=village)]
    if rows:
        await OutboxMessage.bulk_create(rows, using_db=conn)
    return len(rows)


def reporter_payload(number: str, kind: str, on: str) -> dict[str, Any]:
    news = REPORTER_NEWS[kind]
    asks = {"asks": "rating"} if kind in REPORTER_ASKS else {}
    return {
        "audience": "reporter", **asks,
        "text": REPORTER_TEXT.format(number=number, news=news) + REPORTER_ASKS.get(kind, ""),
        # a template message (official account) or a subscribe message (mini-program), by purpose
        "template": {"purpose": "reporter", "values": {
            "number": number, "news": news, "status": REPORTER_STATUS[kind], "date": on, "hint": REPORTER_HINTS.get(kind, REPORTER_HINT)}},
    }


def reporter_kind(channel: str) -> str:
    # mp: customer-service text inside the 48 h window, template otherwise (decided when sending)
    return {"mp": "custom_text", "work": "wecom_app", "miniapp": "subscribe"}.get(channel, "template")


async def notify_reporter(case: Case, kind: str, conn: Any) -> bool:
    """Tell a 实名 reporter; anonymous reports have no identity row, so nothing is pushed."""
    if kind not in REPORTER_NEWS or case.anonymous:
        return False
    identity = await ReporterIdentity.filter(case_id=case.id).using_db(conn).first()
    if identity is None or identity.channel in INTAKE_CHANNELS:
        return False  # a letter, visit or call: staff answer the reporter the way they came
    on = china_today().isoformat()  # China's date, not the server's zone
    await OutboxMessage.create(kind=reporter_kind(identity.channel), recipient_enc=identity.openid_enc,
                               payload={**reporter_payload(case.number or "", kind, on), "channel": identity.channel},
                               case_id=case.id, next_attempt_at=utcnow(), using_db=conn)
    return True


# --- hooks --------------------------------------------------------------------------------

async def on_filed(case: Case, conn: Any, services: "Services") -> None:
    detail = note = ""
    if case.linked_to_id:  # linking ran first: say so, the office handles the cluster together
        root = await Case.get(id=case.linked_to_id, using_db=conn)
        if root.office == case.office:  # never name a case outside the recipients' scope
            detail = f"(与 {root.number} 相似,已关联,共 {root.priority + 1} 件)"
            note = f"与{root.number}相似,共{root.priority + 1}件"
    await notify_office(case, "新的群众反映", conn, services, village=case.village_id, detail=detail, note=note)


async def on_transition(case: Case, event: CaseEvent, conn: Any, services: "Services") -> None:
    if event.public:
        await notify_reporter(case, event.kind, conn)
    data = event.data or {}
    moved = {"reassigned": ("to", "from"), "recategorised": ("office_to", "office_from")}.get(event.kind)
    new, old = (data.get(moved[0]), data.get(moved[1])) if moved else (None, None)
    if new and new != old:
        await notify_office(case, "转来案件,请办理", conn, services, office=new)
        if old:
            await notify_office(case, "案件已转出,无需再办理", conn, services, office=old)
    elif event.kind == "recategorised":
        await notify_office(case, "案件类别已更正", conn, services)
    elif event.kind == "reopened":
        await notify_office(case, "反映人不满意,请复查", conn, services)
    elif event.kind == "finding" and data.get("role") == Role.MONITOR:
        await notify_office(case, "监督员有新反馈", conn, services)
    elif event.kind in REPORTER_WROTE and not await _told_lately(case, event, conn):
        await notify_office(case, REPORTER_WROTE[event.kind], conn, services)  # the office reads it in the panel


async def _told_lately(case: Case, event: CaseEvent, conn: Any) -> bool:
    """A reporter sending five photos in a row makes one notice: an addition soon after another is not announced."""
    if event.kind != "supplement":
        return False  # an answer is always announced
    since = utcnow() - REPORTER_QUIET
    return await CaseEvent.filter(case_id=case.id, kind__in=list(REPORTER_WROTE), at__gte=since,
                                  id__lt=event.id).using_db(conn).exists()
