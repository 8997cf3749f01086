"""The county admin's calendar page: national holidays shown, local overrides, deadlines per category."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from handlers.cases.deadlines import working_days
from storage.models import AuditEntry, Case
from tests.admin.conftest import file_case, signed_in


async def test_admin_sees_spring_festival_and_its_make_up_saturday(accounts: Any, panel_factory: Any,
                                                                  services: Any) -> None:
    admin = await signed_in(panel_factory, services, "county_admin")
    status, body = await admin.get("/admin/calendar?year=2026")
    assert status == 200
    row = re.search(r'<tr id="day-2026-02-17">.*?</tr>', body, re.S)
    assert row and "春节" in row.group(0) and "休息" in row.group(0) and "国家安排" in row.group(0)
    saturday = re.search(r'<tr id="day-2026-02-14">.*?</tr>', body, re.S)
    assert saturday and "上班" in saturday.group(0)
    township = await signed_in(panel_factory, services, "nanba_staff")
    assert (await township.get("/admin/calendar"))[0] == 403
    assert (await township.post("/admin/calendar/day", {"day": "2026-12-03", "kind": "rest"}))[0] == 403


async def test_local_rest_day_reschedules_open_cases_and_can_be_undone(accounts: Any, panel_factory: Any,
                                                                      services: Any) -> None:
    case = await file_case(services, "胡家庄村会计扣了我家低保", township="610798101")
    due = (await Case.get(id=case.id)).accept_due
    admin = await signed_in(panel_factory, services, "county_admin")
    await admin.get("/admin/calendar")
    status, body = await admin.post("/admin/calendar/day", {"day": "not a day", "kind": "rest"})
    assert status == 400 and "请填写日期" in body
    status, body = await admin.post("/admin/calendar/day", {"day": due.isoformat(), "kind": "rest", "name": "县庆"})
    assert status == 200 and "1 件在办案件的期限已重新计算" in body
    assert (await Case.get(id=case.id)).accept_due > due
    row = re.search(rf'<tr id="day-{due.isoformat()}">.*?</tr>', body, re.S)
    assert row and "本地调整" in row.group(0) and "县庆" in row.group(0)
    assert await AuditEntry.filter(action="calendar.change").count() == 1
    status, body = await admin.post("/admin/calendar/day/remove", {"day": due.isoformat()})
    assert status == 200 and (await Case.get(id=case.id)).accept_due == due


async def test_admin_changes_a_category_deadline(accounts: Any, panel_factory: Any, services: Any) -> None:
    admin = await signed_in(panel_factory, services, "county_admin")
    status, body = await admin.get("/admin/calendar")
    assert 'id="deadline-favoritism"' in body and "优亲厚友" in body
    status, body = await admin.post("/admin/calendar/deadlines", {"category": "favoritism", "stage": "accept",
                                                                  "days": "0"})
    assert status == 400 and "1 到 365" in body
    status, body = await admin.post("/admin/calendar/deadlines", {"category": "nosuch", "stage": "accept",
                                                                  "days": "5"})
    assert status == 400
    status, body = await admin.post("/admin/calendar/deadlines", {"category": "favoritism", "stage": "accept",
                                                                  "days": "5"})
    assert status == 200 and await working_days("favoritism", "accept") == 5
    assert await working_days("subsidy_fraud", "accept") == 3
    row = re.search(r'<tr id="deadline-favoritism">.*?</tr>', body, re.S)
    assert row and 'value="5"' in row.group(0)


async def test_category_deadline_change_applies_to_new_cases_only_and_is_audited(accounts: Any, panel_factory: Any,
                                                                                services: Any) -> None:
    filed = await file_case(services, "村支书把低保给了亲戚", township="610798101", category="favoritism")
    due = (await Case.get(id=filed.id)).accept_due
    admin = await signed_in(panel_factory, services, "county_admin")
    await admin.get("/admin/calendar")
    status, body = await admin.post("/admin/calendar/deadlines", {"category": "favoritism", "stage": "accept",
                                                                  "days": "8"})
    assert status == 200 and "由 3 个工作日改为 8 个工作日" in body and "已登记的案件期限不变" in body
    assert (await Case.get(id=filed.id)).accept_due == due  # the reporter was told this date
    later = await Case.get(id=(await file_case(services, "村主任优亲厚友", township="610798101",
                                               category="favoritism")).id)
    other = await Case.get(id=(await file_case(services, "会计扣低保", township="610798101")).id)
    assert later.accept_due > due and other.accept_due == due
    entry = await AuditEntry.get(action="deadline.set")
    assert entry.detail == {"working_days": 8, "previous_days": 3} and entry.target == "favoritism:accept"
    status, body = await admin.get("/admin/audit")
    assert "设置办理期限" in body and "原工作日" in body
