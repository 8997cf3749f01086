"""Chaos run: real processes, real faults, counted losses (issue 14).

Starts, all on loopback: a redis-server of its own, a scratch PostgreSQL database reached through a
TCP relay this script controls (cut, hang), `qingfeng fake-wechat`, `qingfeng serve` and `qingfeng
worker`. Villagers behave like WeChat's server and their owners: a 5 s timeout, the same MsgId
retried up to three times, and a villager who types again after an apology. Each experiment
injects one failure of the issue while villagers file anonymous reports (each one a notification
to the township's bound clerk), then waits for the outbox to settle and prints:

    messages sent, cases stored, duplicate cases, villagers shown a receipt whose case is missing
    (lost), notifications delivered / lost / sent twice, replies over 5 s

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python benchmarks/chaos.py
    ... --only redis-kill,wechat-outage --villagers 100 --outage 120

Bounded: every experiment has a fixed number of villagers and a time limit; the script stops every
process it started, drops its database, and exits.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.processes import Relay, free_port  # noqa: E402  (the relay the regression tests use too)

REGISTRY = ROOT / "docs" / "contracts" / "registry.example.json"
NANBA = "610798101"
CASE_NO = re.compile(r"QF\d{10}")
APOLOGIES = ("系统暂时出了点问题", "上一条消息还在处理中")
WAIT = "正在处理"  # load shedding (bot.inbound_queue.SHED): the answer follows as a customer-service message


class Inbox:
    """The customer-service messages the fake recorded, read by one poller (new records only) for every villager."""

    def __init__(self, session: Any, fake_base: str) -> None:
        self.session, self.fake_base = session, fake_base
        self.seen = 0
        self.by_user: dict[str, list[tuple[float, str]]] = {}
        self.task = asyncio.ensure_future(self._poll())

    async def _poll(self) -> None:
        while True:
            try:
                async with self.session.get(f"{self.fake_base}/_fake/records?kind=custom&after={self.seen}") as r:
                    new = await r.json()
                self.seen += len(new)
                for rec in new:
                    text = rec["body"].get("text", {}).get("content", "")
                    self.by_user.setdefault(rec["body"].get("touser", ""), []).append((rec["time"], text))
            except Exception:
                pass
            await asyncio.sleep(0.5)

    def latest(self, openid: str, since: float) -> str:
        got = [t for at, t in self.by_user.get(openid, []) if at >= since]
        return got[-1] if got else ""


class World:
    """The processes under test and what they share."""

    def __init__(self, args: argparse.Namespace, var: Path) -> None:
        self.args, self.var = args, var
        self.redis_port, self.fake_port, self.server_port = free_port(), free_port(), free_port()
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.logs: list[Any] = []

    def env(self) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.relay_url, "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                "QINGFENG_VAR": str(self.var), "QINGFENG_ENV": "development", "PYTHONPATH": str(ROOT),
                "WECHAT_API_BASE": f"http://127.0.0.1:{self.fake_port}",
                "WECOM_API_BASE": f"http://127.0.0.1:{self.fake_port}/wecom",
                "QINGFENG_OUTBOX_BACKOFF_CAP": str(self.args.backoff_cap),
                **({"QINGFENG_INFLIGHT_LIMIT": str(self.args.inflight_limit)} if self.args.inflight_limit else {})}

    def start(self, name: str) -> None:
        from storage import redis as redis_conn

        if name == "redis":
            self.procs[name] = redis_conn.start_server(self.var / "redis", port=self.redis_port)
            return
        cmd = {"fake": ["fake-wechat", "--port", str(self.fake_port)], "server": ["serve", "--port", str(self.server_port)],
               "worker": ["worker"]}[name]
        log = open(self.var / f"{name}.log", "ab")
        self.logs.append(log)
        self.procs[name] = subprocess.Popen([sys.executable, "-m", "bot.cli", *cmd], cwd=ROOT, env=self.env(),
                                            stdout=log, stderr=subprocess.STDOUT)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        p = self.procs[name]
        p.send_signal(sig)
        if sig in (signal.SIGKILL, signal.SIGTERM):
            p.wait(30)

    def stop_all(self) -> None:
        for p in self.procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGCONT)
                p.terminate()
        for p in self.procs.values():
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        for log in self.logs:
            log.close()


async def wait_http(session: Any, url: str, timeout: float = 240) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            async with session.get(url, timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            pass
        await asyncio.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


class Villagers:
    """Villagers filing reports as WeChat's server delivers them; every POST counted and timed."""

    def __init__(self, sim: Any, session: Any, tag: str, inbox: Inbox, shed_wait: float = 60.0) -> None:
        self.sim, self.session, self.tag, self.inbox, self.shed_wait = sim, session, tag, inbox, shed_wait
        self.sent = 0
        self.over_5s = 0
        self.told_to_wait = 0
        self.receipts: dict[int, str] = {}  # villager -> case number shown
        self.unfinished = 0

    async def post(self, openid: str, text: str) -> str:
        """One message: WeChat retries the same MsgId up to 3 times when no answer comes within 5 s."""
        xml = self.sim.message_xml(openid, "text", content=text)
        for _ in range(3):
            self.sent += 1
            t0 = time.monotonic()
            try:
                r = await asyncio.wait_for(self.sim.post_xml(self.session, xml), 5.0)
            except Exception:
                self.over_5s += 1
                continue
            if time.monotonic() - t0 > 5.0:
                self.over_5s += 1
            if r.status == 200:
                if r.texts and r.texts[0].startswith(WAIT):  # told to wait: the villager waits for the answer
                    self.told_to_wait += 1
                    return await self.late_answer(openid, t0, self.shed_wait)
                return r.texts[0] if r.texts else await self.late_answer(openid, t0)
        return await self.late_answer(openid, t0)

    async def late_answer(self, openid: str, since: float, wait: float = 8.0) -> str:
        """What the villager sees when the passive reply was empty: a customer-service message, later."""
        wall_since = time.time() - (time.monotonic() - since)
        end = time.monotonic() + wait
        while time.monotonic() < end:
            if text := self.inbox.latest(openid, wall_since):
                return text
            await asyncio.sleep(0.5)
        return ""

    async def say(self, openid: str, text: str, expect: str) -> str:
        """A villager who gets an apology (or nothing) waits a little and types the same again."""
        answer = ""
        for _ in range(4):
            answer = await self.post(openid, text)
            if answer and expect in answer and not answer.startswith(APOLOGIES):
                return answer
            if os.environ.get("CHAOS_DEBUG"):
                print(f"  {openid[-4:]} said {text[:12]!r} expected {expect!r}, got {answer[:60]!r}", flush=True)
            await asyncio.sleep(1.0)
        return answer

    async def one(self, i: int) -> None:
        openid = f"oChaos{self.tag}{i:0{22 - len(self.tag)}d}"[:28]
        text = f"南坝镇胡家庄村的村支书把我家低保扣了,{self.tag}第{i}户"
        steps = [("举报", "请"), (text, ""), ("好了", "您反映的是"), ("1", "跳过"), ("跳过", "跳过"),
                 ("跳过", "实名"), ("2", "回执码")]  # the 低保 report's two optional questions skipped
        answer = ""
        for _ in range(3):  # a villager whose conversation went astray starts again with 举报
            for said, expect in steps:
                answer = await self.say(openid, said, expect)
                if expect not in answer:
                    break
            else:
                break
        m = CASE_NO.search(answer)
        if m:
            self.receipts[i] = m.group(0)
        else:
            self.unfinished += 1


async def settle(world: World, tag: str, timeout: float) -> None:
    """Wait until every notification of this experiment's cases has left the outbox (or time is up)."""
    from tortoise import Tortoise

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        conn = Tortoise.get_connection("default")
        _, rows = await conn.execute_query(
            "SELECT count(*) AS n FROM outbox_message o JOIN case_report c ON c.id = o.case_id "
            "WHERE c.text LIKE $1 AND o.status IN ('pending', 'sending')", [f"%{tag}第%"])
        if int(rows[0]["n"]) == 0:
            return
        await asyncio.sleep(1.0)


async def tally(world: World, session: Any, tag: str, v: Villagers | None, started: float) -> dict[str, Any]:
    from tortoise import Tortoise

    conn = Tortoise.get_connection("default")
    _, cases = await conn.execute_query("SELECT id, number, text FROM case_report WHERE text LIKE $1",
                                        [f"%{tag}第%"])
    per_text = Counter(c["text"] for c in cases)
    numbers = {c["number"] for c in cases}
    _, rows = await conn.execute_query(
        "SELECT o.status, c.number FROM outbox_message o JOIN case_report c ON c.id = o.case_id "
        "WHERE c.text LIKE $1", [f"%{tag}第%"])
    async with session.get(f"http://127.0.0.1:{world.fake_port}/_fake/records") as r:
        records = await r.json()
    # sent twice: the same notification (recipient and body) recorded more than once by the fake; answers to
    # villagers (oChaos…) are left out: a villager who typed 2 three times rightly gets the filed answer three times
    seen: Counter[str] = Counter()
    for rec in records:
        if str(rec["body"].get("touser", "")).startswith("oChaos"):
            continue
        if set(CASE_NO.findall(json.dumps(rec["body"], ensure_ascii=False))) & numbers:
            seen[json.dumps(rec["body"], ensure_ascii=False, sort_keys=True)] += 1
    statuses = Counter(r["status"] for r in rows)
    delivered, expected = statuses["sent"], sum(statuses.values())
    return {
        "messages sent": v.sent if v else 0, "cases stored": len(cases),
        "duplicate cases": sum(k - 1 for k in per_text.values()),
        "lost (receipt shown, no case)": sum(1 for n in (v.receipts.values() if v else []) if n not in numbers),
        "villagers without a receipt": v.unfinished if v else 0,
        "notifications delivered": delivered, "notifications lost": expected - delivered,
        "sent twice": sum(k - 1 for k in seen.values()),
        "replies over 5 s": v.over_5s if v else 0, "seconds": round(time.monotonic() - started, 1),
    }


async def fail_wechat(session: Any, world: World, count: int, mode: str = "http500") -> None:
    async with session.post(f"http://127.0.0.1:{world.fake_port}/_fake/fail", json={"count": count, "mode": mode}) as r:
        assert r.status == 200


async def experiment(name: str, world: World, session: Any, sim: Any, args: argparse.Namespace) -> dict[str, Any]:
    """One failure of the issue under load; returns the tally."""
    tag = name.replace("-", "")[:8].upper()
    n = args.villagers
    v = Villagers(sim, session, tag, world.inbox, args.shed_wait)
    started = time.monotonic()
    extra: dict[str, Any] = {}

    async def load(count: int = n) -> None:
        await asyncio.gather(*(v.one(i) for i in range(count)))

    async def fault() -> None:
        await asyncio.sleep(2.0)  # under load
        if name == "redis-kill":
            world.kill("redis")
            await asyncio.sleep(args.down)
            world.start("redis")
            extra["fault ended"] = time.monotonic()
            extra["worker back after (s)"] = await worker_back(world, session)
        elif name == "redis-freeze":
            world.kill("redis", signal.SIGSTOP)
            await asyncio.sleep(args.down)
            world.kill("redis", signal.SIGCONT)
        elif name == "pg-cut":
            world.relay.set_cut(True)
            await asyncio.sleep(args.down)
            world.relay.set_cut(False)
        elif name == "pg-hang":
            world.relay.set_hang(True)
            await asyncio.sleep(args.hang)
            world.relay.set_hang(False)
        elif name == "server-kill":
            world.kill("server")
            await asyncio.sleep(1.0)
            world.start("server")
        elif name == "wechat-outage":
            await fail_wechat(session, world, 10_000_000)
            await asyncio.sleep(args.outage)
            await fail_wechat(session, world, 1, "busy")  # the plan ends after one more failure
        extra.setdefault("fault ended", time.monotonic())

    if name in ("load-1024", "load-2048"):
        await load(int(name.split("-")[1]))
    elif name == "calm":
        await load()
    elif name == "worker-kill":
        await worker_kill(world, session, v, args, tag)
    else:
        await asyncio.gather(load(), fault())
    await settle(world, tag, args.settle + (args.outage if name == "wechat-outage" else 0))
    if "fault ended" in extra:  # recovery: from the end of the fault until every notification had left
        extra["settled after the fault (s)"] = round(time.monotonic() - extra.pop("fault ended"), 1)
    return {**await tally(world, session, tag, v, started), "told to wait": v.told_to_wait, **extra}


async def worker_back(world: World, session: Any) -> float:
    """Seconds from Redis's return until the worker delivers again (a notification queued meanwhile)."""
    t0 = time.monotonic()
    async with session.get(f"http://127.0.0.1:{world.fake_port}/_fake/stats") as r:
        before = (await r.json()).get("calls", 0)
    while time.monotonic() - t0 < 120:
        async with session.get(f"http://127.0.0.1:{world.fake_port}/_fake/records") as r:
            recs = await r.json()
        if recs and recs[-1]["time"] > time.time() - (time.monotonic() - t0):
            return round(time.monotonic() - t0, 1)
        await asyncio.sleep(0.2)
    return -1.0


async def worker_kill(world: World, session: Any, v: Villagers, args: argparse.Namespace, tag: str) -> None:
    """`args.notifications` notifications queued at once; the worker is SIGKILLed mid-delivery and restarted."""
    from tortoise import Tortoise

    world.kill("worker")
    await asyncio.gather(*(v.one(i) for i in range(20)))
    conn = Tortoise.get_connection("default")
    _, rows = await conn.execute_query(
        "SELECT o.kind, o.recipient_enc, o.payload, o.case_id FROM outbox_message o JOIN case_report c "
        "ON c.id = o.case_id WHERE c.text LIKE $1", [f"%{tag}第%"])
    copies = max(args.notifications // max(len(rows), 1) - 1, 0)
    for r in rows:
        for k in range(copies):
            payload = json.loads(r["payload"]) if isinstance(r["payload"], str) else dict(r["payload"])
            payload.setdefault("template", {}).setdefault("values", {})["note"] = f"第{k}份"
            payload["text"] = payload.get("text", "") + f"(第{k}份)"
            await conn.execute_query(
                "INSERT INTO outbox_message (kind, recipient_enc, payload, status, attempts, next_attempt_at, "
                "last_error, case_id, created_at) VALUES ($1, $2, $3, 'pending', 0, now(), '', $4, now())",
                [r["kind"], r["recipient_enc"], json.dumps(payload, ensure_ascii=False), r["case_id"]])
    world.start("worker")
    total = len(rows) * (copies + 1)
    while True:  # kill it a third of the way through
        _, done = await conn.execute_query("SELECT count(*) AS n FROM outbox_message WHERE status = 'sent'")
        if int(done[0]["n"]) >= total // 3:
            break
        await asyncio.sleep(0.05)
    world.kill("worker")
    world.start("worker")


async def setup_data(world: World) -> None:
    from bot.config import load_settings
    from bot.fake_wechat import fake_openid
    from storage.crypto import PersonalDataCipher
    from storage.models import Role, Staff, StaffBinding
    from storage.registry import import_registry, load_file

    s = load_settings({})
    cipher = PersonalDataCipher(hmac_keys=s.hmac_keys, data_keys=s.data_keys)
    await import_registry(load_file(REGISTRY))
    clerk = await Staff.create(username="nanba_clerk", display_name="南坝镇纪委", role=Role.TOWNSHIP_STAFF,
                               scope_code=NANBA)
    ident = fake_openid("chaos-clerk")
    await StaffBinding.create(staff=clerk, channel="mp", subject_hash=cipher.subject_hash("mp", ident),
                              external_enc=cipher.seal(ident))


EXPERIMENTS = ["calm", "redis-kill", "redis-freeze", "pg-cut", "pg-hang", "server-kill", "worker-kill", "wechat-outage",
               "load-1024", "load-2048"]


async def main_async(args: argparse.Namespace) -> None:
    import aiohttp

    from bot.config import load_settings
    from bot.wechat_sim import WeChatServerSim
    from storage import db

    base = os.environ.get("DATABASE_URL", "")
    if not db.is_postgres(base or "sqlite://"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL server (the relay sits in front of it)")
    var = Path(tempfile.mkdtemp(prefix="qf-chaos-"))
    url = await db.create_database(base, "qf_chaos")
    world = World(args, var)
    try:
        await db.migrate(url)
        await db.close()
        await db.init(url)
        await setup_data(world)
        pg_port = int(db.normalize_url(base).split("@")[-1].split("/")[0].split(":")[1])
        world.relay = Relay(pg_port)
        await world.relay.start()
        world.relay_url = re.sub(r"@[^/]+/", f"@127.0.0.1:{world.relay.port}/", url)
        for name in ("redis", "fake", "server", "worker"):
            world.start(name)
        s = load_settings({})
        sim = WeChatServerSim(f"http://127.0.0.1:{world.server_port}", s.wechat_token, s.wechat_aes_key,
                              s.wechat_appid)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            await wait_http(session, f"http://127.0.0.1:{world.fake_port}/_fake/stats")
            world.inbox = Inbox(session, f"http://127.0.0.1:{world.fake_port}")
            await wait_http(session, f"http://127.0.0.1:{world.server_port}/healthz")
            print(f"chaos run: {args.villagers} villagers per experiment, outage {args.outage} s, "
                  f"down {args.down} s, PostgreSQL hang {args.hang} s; logs in {var}", flush=True)
            for name in args.only.split(",") if args.only else EXPERIMENTS:
                for proc in ("server", "worker"):  # every experiment starts with both up
                    if world.procs[proc].poll() is not None:
                        world.start(proc)
                await wait_http(session, f"http://127.0.0.1:{world.server_port}/healthz")
                result = await asyncio.wait_for(experiment(name, world, session, sim, args), args.limit)
                print(f"{name:14} " + ", ".join(f"{k} {v}" for k, v in result.items()), flush=True)
    finally:
        world.stop_all()
        await db.close()
        await db.drop_database(url)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="", help=f"comma-separated, of: {','.join(EXPERIMENTS)}")
    ap.add_argument("--villagers", type=int, default=200, help="villagers filing during each fault")
    ap.add_argument("--notifications", type=int, default=2000, help="queued for the worker-kill experiment")
    ap.add_argument("--down", type=float, default=8.0, help="seconds Redis / PostgreSQL stays killed, frozen, cut")
    ap.add_argument("--hang", type=float, default=45.0, help="seconds PostgreSQL hangs behind the relay")
    ap.add_argument("--outage", type=float, default=600.0, help="seconds the WeChat API answers HTTP 500")
    ap.add_argument("--backoff-cap", type=float, default=30.0, help="QINGFENG_OUTBOX_BACKOFF_CAP for the worker")
    ap.add_argument("--settle", type=float, default=120.0, help="seconds to wait for the outbox afterwards")
    ap.add_argument("--limit", type=float, default=1800.0, help="hard time limit per experiment, seconds")
    ap.add_argument("--shed-wait", type=float, default=60.0,
                    help="seconds a villager told 正在处理，请稍候 waits for the answer before typing again")
    ap.add_argument("--inflight-limit", type=int, default=0, help="QINGFENG_INFLIGHT_LIMIT of the server (0: default)")
    asyncio.run(main_async(ap.parse_args()))


if __name__ == "__main__":
    main()
