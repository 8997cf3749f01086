"""/metrics in Prometheus text format and JSON log lines with a request id: never personal data in either."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from bot.fake_wechat import fake_openid
from storage.models import OutboxMessage
from tests.processes import cli, cli_env, free_port, wait_http

OPENID = fake_openid("metrics-villager")
ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"
NAME = "张秀英"


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for fam in text_string_to_metric_families(text) for s in fam.samples}


async def test_metrics_count_messages_and_outbox_failures_by_errcode_without_personal_data(
        wechat: Any, http: Any, app_server: Any, registry_loaded: Any) -> None:
    base = str(app_server.make_url("")).rstrip("/")
    await OutboxMessage.create(kind="template", recipient_enc=registry_loaded.cipher.seal(OPENID), payload={},
                               status="failed", last_error="errcode 43004: require subscribe", attempts=1,
                               next_attempt_at="2026-12-01T00:00:00+00:00")
    await OutboxMessage.create(kind="custom_text", recipient_enc=registry_loaded.cipher.seal(OPENID), payload={},
                               next_attempt_at="2026-12-01T00:00:00+00:00")
    async with http.get(base + "/metrics") as r:
        before = _samples(await r.text())
    sent = await wechat.send(http, OPENID, f"我叫{NAME},身份证{ID_NUMBER},电话{PHONE}")
    assert sent.status == 200
    waiting = 1
    if not sent.texts:  # a loaded host answered past WeChat's 5 s: the answer follows by the outbox, one more row
        waiting = 2
        for _ in range(200):
            if await OutboxMessage.filter(kind="custom_text").count() == 2:
                break
            await asyncio.sleep(0.05)
    async with http.get(base + "/metrics") as r:
        assert r.status == 200 and r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        body = await r.text()
    after = _samples(body)  # parses: the format is Prometheus text
    key = ("qingfeng_messages_in_total", (("channel", "mp"), ("kind", "text")))
    assert after[key] == before.get(key, 0.0) + 1
    assert after[("qingfeng_outbox_failed", (("errcode", "43004"),))] == 1.0
    assert after[("qingfeng_outbox_backlog", (("kind", "custom_text"),))] == waiting
    for secret in (OPENID, ID_NUMBER, PHONE, NAME, "require subscribe"):
        assert secret not in body


def test_json_log_lines_of_serve_carry_the_request_id_and_no_personal_data(tmp_path: Path) -> None:
    env = cli_env(tmp_path, QINGFENG_LOG_FORMAT="json")
    assert cli(tmp_path, "migrate", env=env).returncode == 0
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--port", str(port)], cwd=tmp_path,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_http(base + "/healthz", server) == 200
        query = f"signature=bad&timestamp=1&nonce=2&openid={OPENID}"
        request = urllib.request.Request(f"{base}/wechat/mp?{query}", data=f"<xml>{ID_NUMBER}</xml>".encode(),
                                         headers={"X-Request-Id": "nginx-req-0123456789abcdef"}, method="POST")
        try:
            urllib.request.urlopen(request, timeout=5)
        except urllib.error.HTTPError as err:
            assert err.code in (400, 403) and err.headers["X-Request-Id"] == "nginx-req-0123456789abcdef"
        with urllib.request.urlopen(urllib.request.Request(base + "/metrics", headers={"X-Request-Id": "bad id!"})) as r:
            made = r.headers["X-Request-Id"]
            assert made != "bad id!" and len(made) == 32
    finally:
        server.terminate()
        _, err_text = server.communicate(timeout=30)
    lines = [json.loads(line) for line in err_text.splitlines() if line.startswith("{")]
    assert lines and all(set(d) >= {"ts", "level", "logger", "msg", "request_id"} for d in lines)
    assert any(d["request_id"] == "nginx-req-0123456789abcdef" and "/wechat/mp" in d["msg"] for d in lines), lines
    for secret in (OPENID, ID_NUMBER, "signature=bad"):
        assert secret not in err_text
