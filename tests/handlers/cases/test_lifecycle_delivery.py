"""The outbox sender against the fake WeChat API over HTTP: failures, retries, two workers, a killed worker."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

from bot.wechat_templates import message_of
from handlers.cases import actions
from handlers.cases.delivery import DeliveryConfig, deliver_due
from bot.cli.worker import start_worker_in_process
from storage.models import OutboxMessage
from tests.handlers.cases.conftest import FAST, World

REPO = Path(__file__).resolve().parents[3]


async def _fail(world: World, **spec: Any) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(world.fake.base_url + "/_fake/fail", json=spec) as r:
            assert r.status == 200


async def _expected(world: World) -> Counter[tuple[str, str]]:
    """(recipient, text) of every queued message, as the fake should record them once each."""
    out: Counter[tuple[str, str]] = Counter()
    for m in await OutboxMessage.all():
        text = m.payload["text"] if m.kind in ("wecom_app", "webhook") else json.dumps(
            message_of(world.services.settings, m.payload["template"], subscribe=m.kind == "subscribe")[1],
            ensure_ascii=False, sort_keys=True)
        out[(world.services.cipher.open(m.recipient_enc), text)] += 1
    return out


def _recorded(world: World) -> Counter[tuple[str, str]]:
    out: Counter[tuple[str, str]] = Counter()
    for r in world.fake.records:
        text = r.body["text"]["content"] if "text" in r.body else json.dumps(r.body["data"], ensure_ascii=False,
                                                                              sort_keys=True)
        out[(r.body.get("touser", ""), text)] += 1
    return out


async def _until_settled(world: World, config: DeliveryConfig, timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while await OutboxMessage.filter(status__in=["pending", "sending"]).exists():
        assert loop.time() < end, "the outbox did not settle"
        await deliver_due(world.services, config)
        await asyncio.sleep(0.05)


async def _many_cases(world: World, n: int) -> None:
    for i in range(n):
        await world.file(f"胡家庄村第{i}组组长收了{i + 100}元好处费才给盖章", category="bribery_extortion")


async def test_the_api_failing_for_a_while_then_recovering_delivers_every_message_exactly_once(world: World) -> None:
    await _many_cases(world, 8)  # 8 tips to 南坝 and 8 to the village monitor
    expected = await _expected(world)
    assert sum(expected.values()) == 16
    config = DeliveryConfig(max_attempts=5, backoff_base=0.1, lease_s=5.0)
    await _fail(world, mode="http500", count=12)
    first = await deliver_due(world.services, config, max_batches=1)
    assert (first.sent, first.retried) == (4, 12)
    await asyncio.sleep(0.25)
    await _fail(world, mode="busy", count=5)
    await deliver_due(world.services, config, max_batches=1)
    await asyncio.sleep(0.5)
    await _fail(world, mode="timeout", count=3, delay=0.2)
    await _until_settled(world, config)
    assert world.fake.state.failures_injected == 20
    assert _recorded(world) == expected, "every message once, none twice"
    rows = await OutboxMessage.all()
    assert {m.status for m in rows} == {"sent"} and all(m.sent_at for m in rows)
    assert max(m.attempts for m in rows) > 1


async def test_an_outage_longer_than_every_try_loses_nothing_and_only_a_refusal_ends_a_message(world: World) -> None:
    await world.file()
    expected = await _expected(world)
    await _fail(world, mode="http500", count=1000)  # WeChat down for longer than max_attempts tries
    quick = DeliveryConfig(max_attempts=3, backoff_base=0.01, backoff_cap=0.02, lease_s=5.0)
    for _ in range(12):
        await deliver_due(world.services, quick)
        await asyncio.sleep(0.03)
    rows = await OutboxMessage.all()
    assert {m.status for m in rows} == {"pending"}, "transport errors are never final"
    assert min(m.attempts for m in rows) > quick.max_attempts and world.fake.records == []
    assert all("HTTP 500" in m.last_error for m in rows)
    world.fake.state.plan = None  # WeChat answers again
    await _until_settled(world, quick)
    assert _recorded(world) == expected, "every message once, after the outage"

    world.fake.state.reset()
    await world.file(text="胡家庄村会计截留危房改造补助")
    await _fail(world, mode="errcode", errcode=43004, count=1000)  # the user unfollowed: retrying cannot help
    await deliver_due(world.services, FAST)
    fresh = await OutboxMessage.filter(status="failed", attempts=1)
    assert fresh and all("43004" in m.last_error and "未关注" in m.last_error for m in fresh)


async def test_busy_codes_and_a_token_refused_twice_are_retried_not_final(world: World) -> None:
    await world.file()
    expected = await _expected(world)
    await _fail(world, mode="errcode", errcode=45009, count=2)  # API rate limit
    await deliver_due(world.services, FAST, max_batches=1)
    assert await OutboxMessage.filter(status="failed").count() == 0
    await _until_settled(world, FAST)
    world.fake.state.reset()
    await world.file(text="胡家庄村主任把危房改造补助给了他小舅子")
    second = Counter({k: v for k, v in (await _expected(world)).items() if k not in expected})
    # 40001 on the send, a fresh token, 40001 again: a later try, not the end
    await _fail(world, mode="errcode", errcode=40001, count=2,
                paths=["/cgi-bin/message/template/send", "/wecom/cgi-bin/message/send"])
    await deliver_due(world.services, FAST, max_batches=1)
    assert await OutboxMessage.filter(status="failed").count() == 0
    await _until_settled(world, FAST)
    assert _recorded(world) == second


async def test_two_workers_send_each_message_once(world: World) -> None:
    await _many_cases(world, 30)
    expected = await _expected(world)
    small = DeliveryConfig(batch=7, concurrency=4, backoff_base=0.05)
    a, b = await asyncio.gather(deliver_due(world.services, small), deliver_due(world.services, small))
    assert a.sent + b.sent == sum(expected.values()) == 60
    assert _recorded(world) == expected


# Long enough that a host running three test workers kills the worker and looks before the lease runs out
LEASE_S = 8


async def test_a_worker_killed_mid_batch_loses_nothing(world: World, settings: Any, redis_url: str) -> None:
    await _many_cases(world, 10)
    expected = await _expected(world)
    await _fail(world, mode="timeout", count=10_000, delay=60)  # every send hangs: the worker is stuck mid-batch
    env = {**os.environ, "DATABASE_URL": settings.database_url or settings.db_url, "REDIS_URL": redis_url,
           "WECHAT_API_BASE": world.fake.base_url, "WECOM_API_BASE": world.fake.wecom_base,
           "QINGFENG_VAR": str(settings.var_dir), "QINGFENG_OUTBOX_LEASE": str(LEASE_S)}
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        loop = asyncio.get_running_loop()
        end = loop.time() + 30
        while await OutboxMessage.filter(status="sending").count() < sum(expected.values()):
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:] if proc.stderr else "worker died"
            assert loop.time() < end, "the worker never claimed the batch"
            await asyncio.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    world.fake.state.plan = None
    assert world.fake.records == []
    # Nothing is due until the killed worker's lease runs out; then any worker takes over.
    assert (await deliver_due(world.services, FAST)).sent == 0
    await asyncio.sleep(LEASE_S + 0.2)
    await _until_settled(world, FAST)
    assert _recorded(world) == expected


async def test_the_in_process_worker_sends_what_a_transition_queues(world: World) -> None:
    stop = await start_worker_in_process(world.services)
    try:
        case = await world.file()
        await actions.accept(case.id, actor_staff=world.staff["nanba"], services=world.services)
        loop = asyncio.get_running_loop()
        end = loop.time() + 15
        while await OutboxMessage.exclude(status="sent").exists():
            assert loop.time() < end, "the worker did not send"
            await asyncio.sleep(0.1)
    finally:
        await stop()
    assert len(world.sent_to("nanba")) == 1 and len(world.to_reporter()) == 1
