"""A mini-program reporter is told of their case by subscribe messages, sent with the mini-program's own token."""
from __future__ import annotations

from typing import Any

from bot.fake_wechat import fake_openid
from handlers.cases.delivery import DeliveryConfig, deliver_due
from handlers.cases.notify import REPORTER_STATUS
from handlers.cases.transitions import transition
from storage.models import Case, OutboxMessage, Status
from tests.bot.api.conftest import HUJIAZHUANG

FAST = DeliveryConfig(max_attempts=3, backoff_base=0.01, lease_s=5.0)
TEXT = "胡家庄村的会计把我家的低保钱扣了一半,说是管理费"


async def _file_named(make_user: Any, code: str) -> Case:
    user = make_user(code)
    await user.login()
    r = await user.report(TEXT, village=HUJIAZHUANG, category="subsidy_fraud", anonymous=False, name="张秀英")
    assert r.status == 200 and r.body["filed"], r.body
    return await Case.get(number=r.body["case_number"])


async def _staff_work(case: Case, services: Any) -> None:
    await transition(case.id, Status.ACCEPTED, actor="staff:1", reason="已安排核查", services=services)
    await transition(case.id, Status.INVESTIGATING, actor="staff:1", services=services)
    await transition(case.id, Status.RESOLVED, actor="staff:1", reason="已责令补发", services=services)
    await deliver_due(services, FAST)


async def test_a_mini_program_reporter_receives_each_notification_they_may_see(
        make_user: Any, services: Any, fake_wechat: Any) -> None:
    code = "code-mini-reporter-1"
    openid, tpl = fake_openid(code), services.settings.tpl.reporter_subscribe
    case = await _file_named(make_user, code)
    fake_wechat.state.accept_subscribe(openid, tpl)  # 允许 in the mini-program, for the long term (政务)
    before = len(fake_wechat.records)
    await _staff_work(case, services)

    to_reporter = [r for r in fake_wechat.records[before:] if r.body.get("touser") == openid]
    assert [(r.kind, r.appid, r.body["template_id"]) for r in to_reporter] == \
        [("subscribe", services.settings.miniapp_appid, tpl)] * 3
    spec = services.settings.tpl.specs()["reporter_subscribe"]
    [number_key] = [k for k, v in spec.fields.items() if v == "number"]
    [status_key] = [k for k, v in spec.fields.items() if v == "status"]
    assert {r.body["data"][number_key]["value"] for r in to_reporter} == {case.number}
    assert [r.body["data"][status_key]["value"] for r in to_reporter] == \
        [REPORTER_STATUS[k] for k in ("accepted", "investigating", "resolved")]
    assert not await OutboxMessage.filter(status__in=["pending", "sending", "failed"]).exists()


async def test_a_reporter_who_did_not_accept_is_a_definitive_refusal_not_a_retry(
        make_user: Any, services: Any, fake_wechat: Any) -> None:
    case = await _file_named(make_user, "code-mini-reporter-2")
    await transition(case.id, Status.ACCEPTED, actor="staff:1", reason="已安排核查", services=services)
    await deliver_due(services, FAST)
    [row] = await OutboxMessage.filter(case_id=case.id, kind="subscribe")
    assert (row.status, row.attempts) == ("failed", 1) and "43101" in row.last_error
