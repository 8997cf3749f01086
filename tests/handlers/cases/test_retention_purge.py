"""Retention (issue 20 item 12): personal data of closed cases purged after the configured period, by
`qingfeng retention purge` and by the worker's daily job; each purge audited; nothing else of the case lost."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

from handlers.cases import actions
from storage.models import AuditEntry, Case, CaseEvent, ReporterIdentity
from tests.handlers.cases.conftest import World

PHONE, ID_NUMBER = "13912345678", "610798195603120010"
TEXT = f"胡家庄村会计把我家低保扣了一半,我电话{PHONE},身份证{ID_NUMBER}"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def _cli(services: Any, *args: str) -> subprocess.CompletedProcess[str]:
    s = services.settings
    env = {**os.environ, "DATABASE_URL": s.db_url, "REDIS_URL": s.redis_url, "QINGFENG_VAR": str(s.var_dir),
           "PYTHONPATH": REPO, "QINGFENG_ENV": "development", "QINGFENG_RETENTION_DAYS": "365"}
    return subprocess.run([sys.executable, "-m", "bot.cli", "retention", "purge", *args], env=env,
                          capture_output=True, text=True, timeout=120)


async def _age(case: Case, days: int) -> None:
    await Case.filter(id=case.id).update(updated_at=datetime.now(timezone.utc) - timedelta(days=days))


async def test_retention_purge_removes_personal_data_of_old_closed_cases_only(world: World) -> None:
    old = await world.file(TEXT)
    await actions.reject(old.id, actor_staff=world.staff["nanba"], reason=f"已电话{PHONE}联系核实,查无实据",
                         services=world.services)
    recent = await world.file(TEXT + "。另一户")
    await actions.reject(recent.id, actor_staff=world.staff["nanba"], reason="重复", services=world.services)
    still_open = await world.file("胡家庄村修路工程偷工减料,水泥路一年就坏了", category="project_bidding")
    for c in (old, still_open):
        await _age(c, 400)
    await _age(recent, 30)
    before = {e.id: (e.kind, e.to_status) for e in await CaseEvent.filter(case_id=old.id)}

    dry = await asyncio.to_thread(_cli, world.services, "--dry-run")
    assert dry.returncode == 0 and old.number in dry.stdout and recent.number not in dry.stdout, dry.stderr
    assert await ReporterIdentity.filter(case_id=old.id).exists()  # a dry run changes nothing
    done = await asyncio.to_thread(_cli, world.services)
    assert done.returncode == 0 and "purged 1 case" in done.stdout, done.stdout + done.stderr

    purged = await Case.get(id=old.id)
    assert not await ReporterIdentity.filter(case_id=old.id).exists()
    assert PHONE not in purged.text and ID_NUMBER not in purged.text and "胡家庄村会计把我家低保扣了一半" in purged.text
    assert (purged.number, purged.status, purged.category, purged.office) == (old.number, "rejected", old.category,
                                                                              old.office)
    events = await CaseEvent.filter(case_id=old.id).order_by("id")
    assert {e.id: (e.kind, e.to_status) for e in events if e.id in before} == before  # the timeline stays
    assert all(PHONE not in (e.reason or "") for e in events)
    assert events[-1].kind == "personal_data_purged" and events[-1].actor == "cli"
    [entry] = await AuditEntry.filter(action="retention.purge")
    assert entry.target == old.number and entry.actor == "cli"
    # untouched: the recently closed case and the open one, however old
    for c in (recent, still_open):
        assert await ReporterIdentity.filter(case_id=c.id).exists() and PHONE in (await Case.get(id=c.id)).text \
            or c is still_open
    # a second run purges nothing more
    again = await asyncio.to_thread(_cli, world.services)
    assert "purged 0 case" in again.stdout


async def test_worker_purges_daily(world: World) -> None:
    from handlers.cases.jobs import CRON, purge_retention

    assert any(job.coroutine is purge_retention for job in CRON)
    case = await world.file(TEXT)
    await actions.reject(case.id, actor_staff=world.staff["nanba"], reason="查无实据", services=world.services)
    await _age(case, world.services.settings.retention_days + 1)
    assert await purge_retention({"services": world.services}) == "1 purged"
    assert not await ReporterIdentity.filter(case_id=case.id).exists()
    assert await AuditEntry.filter(action="retention.purge", actor="worker").count() == 1


async def test_retention_purge_masks_numbers_in_the_answers_to_the_category_questions(world: World) -> None:
    from handlers.cases.filing import ReportDraft, file_report, open_answers
    from handlers.cases.retention import purge

    draft = ReportDraft(channel="mp", text="胡家庄村会计把我家低保扣了一半", category="subsidy_fraud",
                        township="610798101", village="610798101201",
                        answers={"subsidy_household": f"王大福家,电话{PHONE}", "subsidy_year": "2024年"})
    case = (await file_report(draft, world.services)).case
    await actions.reject(case.id, actor_staff=world.staff["nanba"], reason="查无实据", services=world.services)
    await _age(case, 400)
    await purge(world.services, days=365)
    kept = dict(open_answers(world.services.cipher, await Case.get(id=case.id)))
    assert PHONE not in kept["涉及哪一户"] and "王大福家" in kept["涉及哪一户"] and kept["涉及年份"] == "2024年"
