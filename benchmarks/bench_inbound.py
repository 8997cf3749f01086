"""Load test of /wechat/mp: encrypted text messages posted as the WeChat server posts them.

Runs two servers, each a single process on loopback, and loads them in turn, round after round:
  bare — an aiohttp endpoint that only verifies the signature, decrypts and echoes (encrypted);
  full — `qingfeng serve`: verification, dedup, rate limit, conversation lock and state, routing,
         the sealed reply cache, the encrypted passive reply.
The messages are prepared (signed and encrypted) before the clock starts, so the load generator
spends its time on HTTP only. Each message comes from one of 5,000 villagers. After the clock stops,
every reply is decrypted and checked (the echo, or qingfeng's menu): a wrong answer counts as an error.
Besides rate and latency it prints each server's CPU time per message (from /proc), the figure that
decides the ratio when the server's core is the bottleneck.

    .venv/bin/python benchmarks/bench_inbound.py [--messages 6000] [--concurrency 32] [--rounds 3]
With DATABASE_URL / REDIS_URL set, the full server uses them; else SQLite and embedded Redis in a temp dir.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.config import Settings  # noqa: E402
from bot.wechat_sim import WeChatServerSim  # noqa: E402
from handlers.help import HELP_TEXT  # noqa: E402

BARE_APP = r'''
import sys, time
from aiohttp import web
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature
token, aes, appid = sys.argv[2], sys.argv[3], sys.argv[4]
crypto = WeChatCrypto(token, aes, appid)
async def handle(request):
    q = request.query
    check_signature(token, q["signature"], q["timestamp"], q["nonce"])
    xml = crypto.decrypt_message(await request.text(), q["msg_signature"], q["timestamp"], q["nonce"])
    msg = parse_message(xml)
    reply = TextReply(content=msg.content, message=msg).render()
    return web.Response(text=crypto.encrypt_message(reply, q["nonce"], str(int(time.time()))))
app = web.Application()
app.router.add_post("/wechat/mp", handle)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
'''


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_up(url: str, timeout: float = 180.0) -> None:  # a busy host starts slowly
    end = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < end:
            try:
                async with http.get(url) as r:
                    if r.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"server at {url} did not come up")


async def load(base: str, settings: Settings, n: int, concurrency: int, first_id: int, expect: str) -> dict[str, float]:
    sim = WeChatServerSim(base, settings.wechat_token, settings.wechat_aes_key, settings.wechat_appid)
    prepared = []
    for i in range(n):
        query, body = sim.envelope(sim.message_xml(f"oBenchVillager{i % 5000:014d}", content="帮助", msg_id=first_id + i))
        prepared.append((query, body.encode()))
    latencies: list[float] = []
    replies: list[str] = []
    errors = 0
    queue: asyncio.Queue[tuple[dict[str, str], bytes]] = asyncio.Queue()
    for item in prepared:
        queue.put_nowait(item)
    conn = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=conn) as http:
        async def sender() -> None:
            nonlocal errors
            while not queue.empty():
                query, body = queue.get_nowait()
                t0 = time.perf_counter()
                async with http.post(base + "/wechat/mp", params=query, data=body) as r:
                    text = await r.text()
                    if r.status != 200 or "<Encrypt>" not in text:
                        errors += 1
                    else:
                        replies.append(text)
                latencies.append(time.perf_counter() - t0)

        t0 = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(concurrency)))
        elapsed = time.perf_counter() - t0
    latencies.sort()
    # After the clock: every reply must decrypt to what the server means to say, not an apology.
    wrong = sum(1 for text in replies if expect not in "".join(sim.read_reply(text)))
    return {
        "messages": n, "errors": errors + wrong, "rate": n / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=6000, help="messages per server per round")
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=3,
                    help="rounds, each loading both servers in turn (the order alternating): the ratio is taken "
                         "per round, so a host whose speed drifts within the run moves both sides of it")
    args = ap.parse_args()
    settings = Settings()
    rounds: list[dict[str, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "QINGFENG_VAR": tmp, "QINGFENG_SENDER_RATE": "100000", "QINGFENG_ENV": "development"}
        subprocess.run([sys.executable, "-m", "bot.cli", "migrate"], env=env, cwd=REPO, check=True,
                       capture_output=True)
        servers: dict[str, tuple[subprocess.Popen[bytes], str, str]] = {}
        try:
            for name in ("bare", "full"):
                port = free_port()
                if name == "bare":
                    cmd = [sys.executable, "-c", BARE_APP, str(port), settings.wechat_token, settings.wechat_aes_key,
                           settings.wechat_appid]
                else:
                    cmd = [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)]
                expect = "帮助" if name == "bare" else HELP_TEXT  # bare echoes; qingfeng answers with its menu
                proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                servers[name] = (proc, f"http://127.0.0.1:{port}", expect)
            # MsgIds new to this run: a Redis server keeps the last run's dedup keys for 10 minutes
            next_id = int(time.time() * 1000) * 100_000
            for proc, base, expect in servers.values():
                asyncio.run(wait_up(base + "/wechat/mp"))
                asyncio.run(load(base, settings, 300, 8, next_id, expect))  # warm-up
                next_id += 300
            for i in range(args.rounds):
                this: dict[str, dict[str, float]] = {}
                for name in (("bare", "full") if i % 2 == 0 else ("full", "bare")):
                    proc, base, expect = servers[name]
                    cpu0 = cpu_seconds(proc.pid)
                    this[name] = asyncio.run(load(base, settings, args.messages, args.concurrency, next_id, expect))
                    this[name]["server_cpu_us"] = (cpu_seconds(proc.pid) - cpu0) / args.messages * 1e6
                    next_id += args.messages
                rounds.append(this)
        finally:
            for proc, _, _ in servers.values():
                proc.terminate()
                proc.wait(10)
    ratios = []
    for i, this in enumerate(rounds, 1):
        for name in ("bare", "full"):
            r = this[name]
            print(f"round {i} {name:5} {r['messages']} msgs, {args.concurrency} concurrent: {r['rate']:.0f} msg/s, "
                  f"p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, errors {r['errors']}, "
                  f"server CPU {r['server_cpu_us']:.0f} µs/msg")
        ratios.append(this["full"]["rate"] / this["bare"]["rate"])
        print(f"round {i} full/bare rate: {ratios[-1]:.2f}")
    print(f"full/bare rate, median of {len(ratios)} rounds: {statistics.median(ratios):.2f} "
          f"(min {min(ratios):.2f}, max {max(ratios):.2f})")
    cpu = {name: statistics.mean(this[name]["server_cpu_us"] for this in rounds) for name in ("bare", "full")}
    print(f"server CPU per message over all rounds: bare {cpu['bare']:.0f} µs, full {cpu['full']:.0f} µs "
          f"(bare/full {cpu['bare'] / cpu['full']:.2f}: the ratio a CPU-bound host would show)")


if __name__ == "__main__":
    main()
