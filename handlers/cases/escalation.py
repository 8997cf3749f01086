"""The deadline sweep: reminders the day before, 督办 the day after, the second overdue step.

    due tomorrow (next working day)        remind     the office                     event "reminded"
    past due, overdue_level 0              escalate   the office and the county,     event "escalated" (public),
                                                      and the 实名 reporter          level 1, new 督办 due date
    past the 督办 due date, level 1        overdue2   the office and the county      event "overdue_again", level 2
                                                                                     (counted in the monthly statistics)

Set-based: a handful of INSERT … SELECT / UPDATE statements in one transaction,
whatever the number of cases. `lifecycle_notice` (unique per case, stage, due date
and kind) makes a sweep idempotent: running it twice a day sends nothing twice.
The texts are notify's (STAFF_TEXT, REPORTER_TEXT), filled in SQL by Sql.concat.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from tortoise.transactions import in_transaction

from handlers.cases import notify
from handlers.cases.deadlines import calendar, working_days
from storage.china_time import CHINA_TZ, today as today_of, utcnow
from storage.sql import Sql
from storage.models.lifecycle import DeadlineNotice
from storage.models import INTAKE_CHANNELS

if TYPE_CHECKING:
    from bot.services import Services

STAGES = {"accept": ("accept_due", ("received",)), "resolve": ("resolve_due", ("accepted", "investigating"))}
LABELS = {"remind": "即将到期提醒(下一个工作日到期)", "escalate": "逾期督办(已报县纪委监委)", "overdue2": "督办后仍逾期"}
EVENTS = {"remind": ("reminded", "办理期限将到,已提醒办理单位"),
          "escalate": ("escalated", "超过办理期限"),
          "overdue2": ("overdue_again", "督办后仍未按期办理")}


@dataclass(frozen=True)
class SweepResult:
    sweep: str
    reminded: int
    escalated: int
    overdue2: int
    messages: int


async def sweep(services: "Services", on: date | None = None) -> SweepResult:
    """Find and act on every due and overdue case as of `on` (default: today in China)."""
    from nlp import CATEGORY_NAMES

    day = on or today_of(services.clock)
    cal = await calendar()
    county = str((await services.registry()).county_code)
    sweep_id = uuid.uuid4().hex[:16]
    escalate_due = {c: cal.add(day, await working_days(c, "escalate")) for c in CATEGORY_NAMES}
    counts = {"remind": 0, "escalate": 0, "overdue2": 0}
    messages = 0
    async with in_transaction() as conn:
        q = Sql(conn)
        p: dict[str, Any] = {"sweep": sweep_id, "now": utcnow(), "today": day, "tomorrow": cal.next_working(day),
                             "county": county, "at": datetime.fromtimestamp(services.clock(), timezone.utc)}
        for stage, (due, statuses) in STAGES.items():
            status_in = ", ".join(f"'{s}'" for s in statuses)  # constants above, not input
            conds = {
                "remind": f"{due} > {q.date('today')} AND {due} <= {q.date('tomorrow')} AND overdue_level = 0",
                "escalate": f"{due} < {q.date('today')} AND overdue_level = 0",
                "overdue2": f"{due} < {q.date('today')} AND overdue_level = 1",
            }
            for kind, cond in conds.items():
                counts[kind] += await q.execute(
                    f"INSERT INTO lifecycle_notice (case_id, stage, due, kind, sweep, at) "
                    f"SELECT id, '{stage}', {due}, '{kind}', :sweep, {q.ts('at')} FROM case_report "
                    f"WHERE status IN ({status_in}) AND {cond} "
                    f"ON CONFLICT (case_id, stage, due, kind) DO NOTHING", p)
            cases = (f"SELECT case_id FROM lifecycle_notice WHERE sweep = :sweep AND stage = '{stage}' "
                     f"AND kind = ")
            due_case = " ".join(f"WHEN :cat_{i} THEN {q.date(f'esc_{i}')}" for i in range(len(escalate_due)))
            for i, (cat, d) in enumerate(escalate_due.items()):
                p[f"cat_{i}"], p[f"esc_{i}"] = cat, d
            await q.execute(
                f"UPDATE case_report SET overdue_level = 1, {due} = CASE category {due_case} ELSE {due} END, "
                f"updated_at = {q.ts('now')} WHERE status IN ({status_in}) AND id IN ({cases}'escalate')", p)
            await q.execute(f"UPDATE case_report SET overdue_level = 2, updated_at = {q.ts('now')} "
                            f"WHERE status IN ({status_in}) AND id IN ({cases}'overdue2')", p)
        if any(counts.values()):
            await _events(q, p)
            messages = await _staff_messages(q, p, CATEGORY_NAMES)
            messages += await _reporter_messages(q, p)
    return SweepResult(sweep_id, counts["remind"], counts["escalate"], counts["overdue2"], messages)


def _case_when(column: str, mapping: dict[str, str], prefix: str, p: dict[str, Any], q: Sql) -> str:
    whens = []
    for i, (k, v) in enumerate(mapping.items()):
        p[f"{prefix}k{i}"], p[f"{prefix}v{i}"] = k, v
        whens.append(f"WHEN :{prefix}k{i} THEN {q.text(f'{prefix}v{i}')}")
    return f"CASE {column} {' '.join(whens)} END"


async def _events(q: Sql, p: dict[str, Any]) -> None:
    kind = _case_when("n.kind", {k: v[0] for k, v in EVENTS.items()}, "ek", p, q)
    reason = _case_when("n.kind", {k: v[1] for k, v in EVENTS.items()}, "er", p, q)
    data = f"{q.json_object}('stage', n.stage, 'due', CAST(n.due AS TEXT), 'sweep', n.sweep)"
    await q.execute(
        f"INSERT INTO case_event (case_id, at, actor, kind, from_status, to_status, reason, public, data) "
        f"SELECT n.case_id, {q.ts('at')}, 'system', {kind}, c.status, c.status, {reason}, (n.kind = 'escalate'), {data} "
        f"FROM lifecycle_notice n JOIN case_report c ON c.id = n.case_id WHERE n.sweep = :sweep", p)


async def _staff_messages(q: Sql, p: dict[str, Any], category_names: dict[str, str]) -> int:
    label = _case_when("n.kind", LABELS, "lb", p, q)
    category = f"COALESCE({_case_when('c.category', category_names, 'cn', p, q)}, c.category)"
    place = ("CASE WHEN t.name IS NULL AND v.name IS NULL THEN :unknown_place "
             "ELSE COALESCE(t.name, '') || COALESCE(v.name, '') END")
    due = "CAST(CASE WHEN c.status = 'received' THEN c.accept_due ELSE c.resolve_due END AS TEXT)"
    p.update(unknown_place=notify.UNKNOWN_PLACE)
    text = q.concat(notify.STAFF_TEXT, {"label": label, "number": "c.number", "category": category, "place": place,
                                        "due": due}, p, "st")
    jo = q.json_object
    p.update(purpose="staff")  # notify.staff_template, in SQL
    payload = (f"{jo}('audience', 'staff', 'text', {text}, 'template', {jo}('purpose', {q.text('purpose')}, 'values', "
               f"{jo}('label', {label}, 'number', c.number, 'category', {category}, 'place', {place}, "
               f"'due', {due})))")
    office_staff = ("(s.scope_code = c.office AND ((c.office = :county AND s.role IN ('county_admin', 'county_staff')) "
                    "OR (c.office <> :county AND s.role = 'township_staff')))")
    county_staff = "(n.kind <> 'remind' AND s.scope_code = :county AND s.role IN ('county_admin', 'county_staff'))"
    return await q.execute(
        f"INSERT INTO outbox_message (kind, recipient_enc, payload, status, attempts, next_attempt_at, last_error, "
        f"case_id, created_at) "
        f"SELECT CASE b.channel WHEN 'work' THEN 'wecom_app' ELSE 'template' END, b.external_enc, {payload}, "
        f"'pending', 0, {q.ts('now')}, '', c.id, {q.ts('now')} "
        f"FROM lifecycle_notice n JOIN case_report c ON c.id = n.case_id "
        f"JOIN staff s ON s.is_active AND ({office_staff} OR {county_staff}) "
        f"JOIN staff_binding b ON b.staff_id = s.id "
        f"LEFT JOIN township t ON t.code = c.township_id LEFT JOIN village v ON v.code = c.village_id "
        f"WHERE n.sweep = :sweep", p)


async def _reporter_messages(q: Sql, p: dict[str, Any]) -> int:
    news = notify.REPORTER_NEWS["escalated"]
    on = today_of().isoformat()  # China's date, as notify_reporter writes it
    # notify.reporter_payload, in SQL
    p.update(rpurpose="reporter", rnews=news, rstatus=notify.REPORTER_STATUS["escalated"], ron=on,
             rhint=notify.REPORTER_HINT)
    t = {k: q.text(k) for k in ("rpurpose", "rnews", "rstatus", "ron", "rhint")}
    text = q.concat(notify.REPORTER_TEXT, {"number": "c.number", "news": t["rnews"]}, p, "rt")
    jo = q.json_object
    payload = (f"{jo}('audience', 'reporter', 'channel', r.channel, "
               f"'text', {text}, "
               f"'template', {jo}('purpose', {t['rpurpose']}, 'values', {jo}('number', c.number, "
               f"'news', {t['rnews']}, 'status', {t['rstatus']}, 'date', {t['ron']}, 'hint', {t['rhint']})))")
    kind = ("CASE r.channel WHEN 'mp' THEN 'custom_text' WHEN 'work' THEN 'wecom_app' "
            "WHEN 'miniapp' THEN 'subscribe' ELSE 'template' END")
    return await q.execute(
        f"INSERT INTO outbox_message (kind, recipient_enc, payload, status, attempts, next_attempt_at, last_error, "
        f"case_id, created_at) "
        f"SELECT {kind}, r.openid_enc, {payload}, 'pending', 0, {q.ts('now')}, '', c.id, {q.ts('now')} "
        f"FROM lifecycle_notice n JOIN case_report c ON c.id = n.case_id "
        f"JOIN reporter_identity r ON r.case_id = c.id "
        f"WHERE n.sweep = :sweep AND n.kind = 'escalate' AND NOT c.anonymous "
        f"AND r.channel NOT IN ({', '.join(repr(c) for c in INTAKE_CHANNELS)})", p)  # as notify_reporter


async def overdue_counts(year: int, month: int) -> dict[str, int]:
    """For the monthly statistics: escalations and second overdue steps in a month (China time)."""
    start = datetime(year, month, 1, tzinfo=CHINA_TZ)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=CHINA_TZ)
    rows = DeadlineNotice.filter(at__gte=start, at__lt=end)
    return {"escalated": await rows.filter(kind="escalate").count(),
            "overdue_again": await rows.filter(kind="overdue2").count(),
            "reminded": await rows.filter(kind="remind").count()}
