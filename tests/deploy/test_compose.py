"""compose.yaml: valid against the Compose Specification's own JSON schema, consistent with the code's
variables and nginx.conf, and every service's command run here against the local environment.

compose-spec.json is the schema published by compose-spec/compose-spec (Apache-2.0), kept as it is.
Docker is not needed: where `docker compose` exists, `test_docker_compose_config` asks it too.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import redis
import yaml

from bot.config import all_variables
from tests.processes import free_port, wait_http

REPO = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
SERVICES: dict[str, Any] = COMPOSE["services"]
APP = ("migrate", "server1", "server2", "worker")


def test_compose_file_follows_the_compose_specification() -> None:
    schema = json.loads((Path(__file__).parent / "compose-spec.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(COMPOSE)
    assert set(SERVICES) == {"postgres", "redis", "migrate", "server1", "server2", "worker", "nginx"}


def test_every_variable_given_to_the_app_is_one_the_code_reads() -> None:
    known = set(all_variables())
    example = (REPO / "deploy" / "qingfeng.env.example").read_text(encoding="utf-8")
    given = {line.split("=", 1)[0] for line in example.splitlines() if re.match(r"^[A-Z_]+=", line)}
    for name in APP:
        svc = SERVICES[name]
        given |= set(svc.get("environment", {}))
        assert svc["env_file"] == ["deploy/qingfeng.env"] and svc["volumes"] == ["qingfeng-var:/srv/qingfeng/var"]
    assert given - known == set(), "a variable the code does not read (a typo?)"
    secrets = {"WECHAT_TOKEN", "WECHAT_AES_KEY", "WECHAT_SECRET", "MINIAPP_SECRET", "WECOM_SECRET", "WECOM_TOKEN",
               "WECOM_AES_KEY", "QINGFENG_HMAC_KEYS", "QINGFENG_DATA_KEYS", "QINGFENG_SESSION_SECRET"}
    assert secrets <= given


def test_nginx_terminates_tls_for_both_servers_and_hides_metrics() -> None:
    conf = (REPO / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    upstream = re.search(r"upstream qingfeng \{(.*?)\}", conf, re.S)
    assert upstream and re.findall(r"server (\w+):8080", upstream.group(1)) == ["server1", "server2"]
    assert "listen 443 ssl" in conf and "/etc/nginx/tls/fullchain.pem" in conf
    assert "./deploy/tls:/etc/nginx/tls:ro" in SERVICES["nginx"]["volumes"]
    assert "location = /metrics { deny all; }" in conf
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf  # replaced, never appended
    nginx_ip = SERVICES["nginx"]["networks"]["backend"]["ipv4_address"]
    assert SERVICES["server1"]["environment"]["QINGFENG_TRUSTED_PROXIES"] == nginx_ip
    assert "$args" not in conf and "$request_uri $status" not in conf  # no query strings in the log


def _local(command: list[str], port: int) -> list[str]:
    """The service's command line, with this machine's Python, loopback and a free port."""
    cmd = [sys.executable, "-m", "bot.cli", *command[1:]] if command[0] == "qingfeng" else list(command)
    if "--host" in cmd:
        cmd[cmd.index("--host") + 1] = "127.0.0.1"
    if "--port" in cmd:
        cmd[cmd.index("--port") + 1] = str(port)
    return cmd


def test_every_service_command_runs_here(tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(REPO), "QINGFENG_ENV": "development",
           "QINGFENG_VAR": str(tmp_path / "var")}
    for name in APP:  # the compose environment, minus what points at the containers
        env.update({k: str(v) for k, v in SERVICES[name].get("environment", {}).items()
                    if k not in ("DATABASE_URL", "REDIS_URL", "QINGFENG_VAR", "QINGFENG_WORKER_METRICS_PORT")})
    # redis: the compose command line, on a free port in a scratch directory
    rport = free_port()
    rcmd = [*SERVICES["redis"]["command"], "--port", str(rport), "--dir", str(tmp_path), "--daemonize", "no"]
    if shutil.which(rcmd[0]) is None:
        pytest.skip("redis-server is not installed here")
    redis_proc = subprocess.Popen(rcmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs: list[subprocess.Popen[bytes]] = [redis_proc]
    try:
        client = redis.Redis(port=rport)
        for _ in range(100):
            try:
                assert client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        assert client.config_get("appendonly")["appendonly"] == "yes"
        env["REDIS_URL"] = f"redis://127.0.0.1:{rport}/0"
        migrate = subprocess.run(_local(SERVICES["migrate"]["command"], 0), cwd=tmp_path, env=env,
                                 capture_output=True, timeout=180)
        assert migrate.returncode == 0, migrate.stderr[-2000:]
        for name in ("server1", "server2"):
            port = free_port()
            proc = subprocess.Popen(_local(SERVICES[name]["command"], port), cwd=tmp_path, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(proc)
            assert wait_http(f"http://127.0.0.1:{port}/healthz", proc) == 200
        mport = free_port()
        worker = subprocess.Popen(_local(SERVICES["worker"]["command"], 0), cwd=tmp_path,
                                  env={**env, "QINGFENG_WORKER_METRICS_PORT": str(mport)},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(worker)
        assert wait_http(f"http://127.0.0.1:{mport}/metrics", worker) == 200  # its healthcheck's address
    finally:
        for proc in reversed(procs):
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.mark.skipif(subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0
                    if shutil.which("docker") else True, reason="docker compose is not available here")
def test_docker_compose_config() -> None:
    run = subprocess.run(["docker", "compose", "-f", str(REPO / "compose.yaml"), "config", "--quiet"], cwd=REPO,
                         env={**os.environ, "POSTGRES_PASSWORD": "check-only"}, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
