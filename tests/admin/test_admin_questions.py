"""Two-way follow-up through the panel: staff ask from the case page, the reporter answers in the chat, both sides are
notified, the answer is on the timeline; staff pages and notifications never carry an openid; a 续报 is linked."""
from __future__ import annotations

import json
import re
from typing import Any

from bot.fake_wechat import fake_openid
from storage.models import Case, CaseEvent, OutboxMessage, Staff, StaffBinding
from tests.admin.conftest import file_case, signed_in
from tests.handlers.conftest import Villager, new_openid, confirmed
from tests.handlers.test_conversations_followup import file_real_name
from tests.handlers.test_conversations_report import file_anonymous, receipt_in

QUESTION = "请问被扣的是哪一年的低保?大概扣了多少?"
ANSWER = "2025年的,一共扣了1200元"


async def _bind(staff: Staff, services: Any) -> str:
    ident = fake_openid(f"staff-{staff.username}")
    await StaffBinding.create(staff=staff, channel="mp", subject_hash=services.cipher.subject_hash("mp", ident),
                              external_enc=services.cipher.seal(ident))
    return ident


def _payloads(rows: list[OutboxMessage]) -> str:
    return json.dumps([r.payload for r in rows], ensure_ascii=False)


async def test_staff_question_reaches_the_reporter_and_the_answer_reaches_staff_without_an_openid(
        accounts: Any, panel_factory: Any, services: Any, wechat: Any, http: Any) -> None:
    reporter = Villager(wechat, http, new_openid())
    await file_real_name(reporter)
    case = await Case.get()
    staff_ident = await _bind(accounts["nanba_staff"], services)
    panel = await signed_in(panel_factory, services, "nanba_staff")
    status, body = await panel.get(f"/admin/cases/{case.id}")
    assert status == 200 and 'value="ask_reporter"' in body and "向举报人提问" in body
    before = await OutboxMessage.all().count()

    status, body = await panel.post(f"/admin/cases/{case.id}/action", {"action": "ask_reporter", "text": QUESTION})
    assert status == 200 and 'id="open-questions"' in body and QUESTION in body
    [asked] = await CaseEvent.filter(case_id=case.id, kind="question")
    assert asked.actor == f"staff:{accounts['nanba_staff'].id}" and asked.public
    to_reporter = [m for m in await OutboxMessage.all().offset(before) if m.payload.get("audience") == "reporter"]
    assert len(to_reporter) == 1 and "办理单位有问题想请您回答" in to_reporter[0].payload["text"]
    assert reporter.openid not in _payloads(to_reporter)  # the recipient is sealed, the text names nobody

    shown = await reporter.one(f"查询进度 {case.number}")
    assert QUESTION in shown
    before = await OutboxMessage.all().count()
    await reporter.one(ANSWER)
    to_staff = [m for m in await OutboxMessage.all().offset(before) if m.payload.get("audience") == "staff"]
    assert len(to_staff) == 1 and "举报人回答了您的提问" in to_staff[0].payload["text"]
    assert services.cipher.open(to_staff[0].recipient_enc) == staff_ident
    assert ANSWER not in _payloads(to_staff) and reporter.openid not in _payloads(to_staff)

    status, body = await panel.get(f"/admin/cases/{case.id}")
    assert status == 200 and ANSWER in body and "举报人回答" in body and 'id="open-questions"' not in body
    assert reporter.openid not in body
    every = _payloads(await OutboxMessage.all()) + json.dumps(
        [e.data for e in await CaseEvent.filter(case_id=case.id)], ensure_ascii=False)
    assert reporter.openid not in every


async def test_question_is_refused_once_the_case_is_closed(accounts: Any, panel_factory: Any, services: Any) -> None:
    case = await file_case(services, "胡家庄村会计把我家低保钱扣了一半", township="610798101", village="610798101201")
    panel = await signed_in(panel_factory, services, "nanba_staff")
    await panel.get(f"/admin/cases/{case.id}")
    await panel.post(f"/admin/cases/{case.id}/action", {"action": "reject", "reason": "不属于本机关管辖"})
    status, body = await panel.post(f"/admin/cases/{case.id}/action", {"action": "ask_reporter", "text": QUESTION})
    assert status == 400 and "不能再向举报人提问" in body
    assert not await CaseEvent.filter(case_id=case.id, kind="question").exists()


async def test_another_townships_staff_cannot_ask(accounts: Any, panel_factory: Any, services: Any) -> None:
    case = await file_case(services, "胡家庄村会计把我家低保钱扣了一半", township="610798101", village="610798101201")
    panel = await signed_in(panel_factory, services, "dongling_staff")
    await panel.get("/admin/cases")
    status, _ = await panel.post(f"/admin/cases/{case.id}/action", {"action": "ask_reporter", "text": QUESTION})
    assert status == 404 and not await CaseEvent.filter(case_id=case.id, kind="question").exists()


async def test_a_follow_up_report_shows_its_reference_and_staff_link_it(
        accounts: Any, panel_factory: Any, services: Any, wechat: Any, http: Any) -> None:
    reporter = Villager(wechat, http, new_openid())
    await file_anonymous(reporter)
    first = await Case.get()
    assert "回执码" in await reporter.one("回执丢了")
    await reporter.one(f"续报 {first.number}")
    await reporter.one("胡家庄村的会计收了我500元好处费才肯给盖章")  # another matter: not linked by likeness
    await reporter.one("好了")
    await confirmed(reporter)
    receipt_in(await reporter.one("2"))
    second = await Case.exclude(id=first.id).get()
    assert second.linked_to_id is None and second.category != first.category

    monitor = await signed_in(panel_factory, services, "hujia_monitor")
    status, body = await monitor.get(f"/admin/cases/{second.id}")
    assert status == 200 and first.number in body and 'data-action="merge-follow-up"' not in body  # reads, no link

    panel = await signed_in(panel_factory, services, "nanba_staff")
    status, body = await panel.get(f"/admin/cases/{second.id}")
    assert status == 200 and 'id="follows"' in body and first.number in body and 'data-action="merge-follow-up"' in body
    form = body.split('id="follows"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'name="(action|into|reason)" value="([^"]*)"', form))
    status, body = await panel.post(f"/admin/cases/{second.id}/action", fields)
    assert status == 200 and 'data-action="merge-follow-up"' not in body  # linked: no more suggestion
    second, first = await Case.get(id=second.id), await Case.get(id=first.id)
    assert second.linked_to_id == first.id and first.priority >= 1
    merged = await CaseEvent.filter(kind="merged", actor=f"staff:{accounts['nanba_staff'].id}")
    assert {e.case_id for e in merged} == {first.id, second.id} and all("续报" in e.reason for e in merged)
    assert reporter.openid not in body


async def test_a_follow_up_cannot_be_linked_to_another_townships_case(
        accounts: Any, panel_factory: Any, services: Any) -> None:
    other = await file_case(services, "东岭村主任虚报危房改造补助", township="610798102", village="610798102201")
    mine = await file_case(services, "胡家庄村会计把我家低保钱扣了一半", township="610798101", village="610798101201")
    mine.source_ref = {"follows": other.number}  # what the reporter typed after 续报: another township's case
    await mine.save(update_fields=["source_ref"])
    panel = await signed_in(panel_factory, services, "nanba_staff")
    status, body = await panel.get(f"/admin/cases/{mine.id}")
    assert status == 200 and other.number in body and 'data-action="merge-follow-up"' not in body
    status, body = await panel.post(f"/admin/cases/{mine.id}/action",
                                    {"action": "merge", "into": other.number, "reason": "举报人续报"})
    assert status == 400 and (await Case.get(id=mine.id)).linked_to_id is None


async def test_a_burst_of_additions_makes_one_notice_for_the_office(
        accounts: Any, panel_factory: Any, services: Any, wechat: Any, http: Any) -> None:
    reporter = Villager(wechat, http, new_openid())
    receipt = receipt_in(await file_anonymous(reporter))
    case = await Case.get()
    await _bind(accounts["nanba_staff"], services)
    before = await OutboxMessage.all().count()
    await reporter.one(f"补充 {receipt}")
    await reporter.one("会计还把花名册改了")
    await reporter.one(kind="image", media_id="media-photo-1")
    await reporter.one(kind="image", media_id="media-photo-1")
    await services.drain()
    told = [m for m in await OutboxMessage.all().offset(before) if m.payload.get("audience") == "staff"]
    assert len(told) == 1 and "举报人补充了情况" in told[0].payload["text"]
    assert await CaseEvent.filter(case_id=case.id, kind="supplement").count() == 3  # each one on the timeline
    panel = await signed_in(panel_factory, services, "nanba_staff")
    status, body = await panel.get(f"/admin/cases/{case.id}")
    assert status == 200 and "会计还把花名册改了" in body and body.count("补充了照片") == 2
    assert reporter.openid not in body
