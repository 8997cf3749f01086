"""Issue 20 item 5: `qingfeng audit verify` catches an edit, a deletion anywhere, a truncation and a re-chain.

The attacker here can write the audit table (they hold the database) but not the audit key,
which lives in the configuration, nor the head anchored in Redis and the log.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import timezone
from pathlib import Path
from typing import Any

import pytest

from storage import audit
from storage.models import AuditEntry

REPO = Path(__file__).resolve().parents[2]


def verify_cli(settings: Any, *extra: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url,
           "QINGFENG_VAR": str(settings.var_dir), "QINGFENG_ENV": "development", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "bot.cli", "audit", "verify", *extra], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
async def log_of_70(services: Any) -> list[AuditEntry]:
    """Seventy entries, reveals among them, as the panel and chat write them."""
    out = []
    for i in range(70):
        if i % 10 == 3:
            out.append(await audit.append(f"staff:{i % 4 + 1}", "case.reveal", f"case:{i}", {"reason": "核查需要"}))
        else:
            out.append(await audit.append("system", "case.transition", f"case:{i}", {"to": "accepted"}))
    return out


async def test_untouched_audit_log_verifies(log_of_70: list[AuditEntry], settings: Any) -> None:
    r = verify_cli(settings)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "intact: 70 entries" in r.stdout


async def test_audit_verify_detects_an_edited_reveal(log_of_70: list[AuditEntry], settings: Any) -> None:
    reveal = next(e for e in log_of_70 if e.action == "case.reveal")
    await AuditEntry.filter(id=reveal.id).update(actor="staff:999")
    r = verify_cli(settings)
    assert r.returncode == 1 and f"entry {reveal.id}" in r.stdout


@pytest.mark.parametrize("where", ["first", "middle"])
async def test_audit_verify_detects_a_deletion_anywhere(log_of_70: list[AuditEntry], settings: Any,
                                                        where: str) -> None:
    victim = log_of_70[0] if where == "first" else log_of_70[33]
    await AuditEntry.filter(id=victim.id).delete()
    r = verify_cli(settings)
    assert r.returncode == 1 and "TAMPERED" in r.stdout


@pytest.mark.parametrize("how_many", [1, 60])
async def test_audit_verify_detects_truncation_of_the_last_entries(log_of_70: list[AuditEntry], settings: Any,
                                                                   how_many: int) -> None:
    await AuditEntry.filter(id__in=[e.id for e in log_of_70[-how_many:]]).delete()
    r = verify_cli(settings)
    assert r.returncode == 1 and "TAMPERED" in r.stdout and "anchored" in r.stdout


async def test_audit_verify_detects_truncation_against_the_logged_head(log_of_70: list[AuditEntry], settings: Any,
                                                                       services: Any, caplog: Any) -> None:
    """Redis emptied too: the `audit head` line of the log still names the lost entry."""
    head = log_of_70[-1]
    await AuditEntry.filter(id__in=[e.id for e in log_of_70[-5:]]).delete()
    await services.redis.flushdb()
    r = verify_cli(settings, "--head", f"{head.id}:{head.hash}")
    assert r.returncode == 1 and f"#{head.id}" in r.stdout
    r = verify_cli(settings)  # and without the log's line, it does not claim the log is whole
    assert r.returncode == 1 and "no head anchored" in r.stdout


def _unkeyed_hash(e: AuditEntry, prev: str) -> str:
    body = json.dumps([prev, e.at.astimezone(timezone.utc).isoformat(timespec="microseconds"), e.actor, e.action,
                       e.target, e.detail], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


async def test_audit_verify_detects_a_rechained_log(log_of_70: list[AuditEntry], settings: Any) -> None:
    """The review's attack: rewrite a reveal's actor and reason, delete another, recompute every hash."""
    reveals = [e for e in log_of_70 if e.action == "case.reveal"]
    await AuditEntry.filter(id=reveals[1].id).delete()
    await AuditEntry.filter(id=reveals[0].id).update(actor="staff:1", detail={"reason": "例行检查"})
    prev = audit.GENESIS
    for e in await AuditEntry.all().order_by("id"):
        h = _unkeyed_hash(e, prev)
        await AuditEntry.filter(id=e.id).update(prev_hash=prev, hash=h)
        prev = h
    r = verify_cli(settings)
    assert r.returncode == 1 and "TAMPERED" in r.stdout


async def _pre_upgrade_log(n: int) -> list[AuditEntry]:
    """Entries as the first round wrote them: chained by plain SHA-256, no key."""
    from datetime import datetime

    out: list[AuditEntry] = []
    prev = audit.GENESIS
    for i in range(n):
        e = AuditEntry(at=datetime.now(timezone.utc), actor="staff:1", action="case.reveal", target=f"case:{i}",
                       detail={"reason": "核查需要"}, prev_hash=prev, hash="")
        e.hash = prev = _unkeyed_hash(e, prev)
        await e.save()
        out.append(e)
    return out


async def test_upgraded_installation_verifies_its_old_unkeyed_entries_once_told_where_they_end(
        services: Any, settings: Any) -> None:
    old = await _pre_upgrade_log(5)
    for i in range(3):
        await audit.append("system", "case.transition", f"case:{i}", {"to": "accepted"})
    r = verify_cli(settings)  # not told: the operator learns exactly what to set
    assert r.returncode == 1 and f"entry {old[0].id}" in r.stdout and "QINGFENG_AUDIT_LEGACY_UNTIL" in r.stdout
    r = verify_cli(settings, env_extra={"QINGFENG_AUDIT_LEGACY_UNTIL": str(old[-1].id)})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "intact: 8 entries" in r.stdout and "5 of them from before the keyed chain" in r.stdout


async def test_rewriting_an_old_unkeyed_entry_after_the_upgrade_is_detected(services: Any, settings: Any) -> None:
    """The first keyed entry seals the old chain: re-chaining the old part breaks it."""
    old = await _pre_upgrade_log(5)
    await audit.append("system", "case.transition", "case:9", {"to": "accepted"})
    await AuditEntry.filter(id=old[2].id).update(actor="staff:7", detail={"reason": "例行检查"})
    prev = audit.GENESIS
    for e in await AuditEntry.filter(id__lte=old[-1].id).order_by("id"):
        h = _unkeyed_hash(e, prev)
        await AuditEntry.filter(id=e.id).update(prev_hash=prev, hash=h)
        prev = h
    r = verify_cli(settings, env_extra={"QINGFENG_AUDIT_LEGACY_UNTIL": str(old[-1].id)})
    assert r.returncode == 1 and "TAMPERED" in r.stdout


async def test_a_log_rechained_the_old_way_does_not_pass_as_pre_upgrade(log_of_70: list[AuditEntry],
                                                                       settings: Any) -> None:
    """Entries past the operator's bound never count as old, whatever their hash."""
    bound = log_of_70[9].id
    prev = audit.GENESIS
    for e in await AuditEntry.all().order_by("id"):
        h = _unkeyed_hash(e, prev)
        await AuditEntry.filter(id=e.id).update(prev_hash=prev, hash=h)
        prev = h
    r = verify_cli(settings, env_extra={"QINGFENG_AUDIT_LEGACY_UNTIL": str(bound)})
    assert r.returncode == 1 and f"entry {log_of_70[10].id}" in r.stdout


async def test_an_entry_a_command_writes_is_anchored_like_a_servers(services: Any, settings: Any) -> None:
    """`qingfeng deadlines set` audits the change; verify right after must not find its entry unanchored."""
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url,
           "QINGFENG_VAR": str(settings.var_dir), "QINGFENG_ENV": "development"}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "deadlines", "set", "*", "accept", "4"], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    newest = await AuditEntry.all().order_by("-id").first()
    assert newest is not None and await audit.anchored_head() == (newest.id, newest.hash)
    r = verify_cli(settings)
    assert r.returncode == 0 and "intact" in r.stdout, r.stdout + r.stderr
