"""Prometheus metrics: `GET /metrics` (text format 0.0.4) on every server process.

    qingfeng_messages_in_total{channel,kind}       inbound WeChat/WeCom messages, this process
    qingfeng_replies_late_total{channel}           answers too slow for the passive reply, sent later
    qingfeng_messages_queued_total{channel}        messages past the in-flight limit, queued (正在处理，请稍候)
    qingfeng_token_refreshes_total{api}            access tokens fetched from WeChat/WeCom, this process
    qingfeng_outbox_send_errors_total{errcode}     refused sends, this process (the worker: see below)
    qingfeng_outbox_backlog{kind}                  outbox rows waiting to be sent (the database: all processes)
    qingfeng_outbox_failed{errcode}                outbox rows given up on, by WeChat errcode (database)
    qingfeng_cases_overdue{level}                  open cases past their deadline: 1 = 督办, 2 = still overdue after

Counters are per process: scrape each server (and the worker, on QINGFENG_WORKER_METRICS_PORT)
directly, not through the load balancer. Labels are fixed vocabularies (channel, message kind,
API, errcode, outbox kind): never an openid, a name, a text or a case number.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterator

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from bot.services import Services

REGISTRY = CollectorRegistry(auto_describe=True)
MESSAGES_IN = Counter("qingfeng_messages_in", "Inbound WeChat and WeCom messages", ["channel", "kind"],
                      registry=REGISTRY)
REPLIES_LATE = Counter("qingfeng_replies_late", "Answers sent later by customer-service message (past the 5 s)",
                       ["channel"], registry=REGISTRY)
QUEUED = Counter("qingfeng_messages_queued", "Messages queued past the in-flight limit, answered later",
                 ["channel"], registry=REGISTRY)
TOKEN_REFRESHES = Counter("qingfeng_token_refreshes", "Access tokens fetched", ["api"], registry=REGISTRY)
SEND_ERRORS = Counter("qingfeng_outbox_send_errors", "Outbox sends refused or failed, by errcode", ["errcode"],
                      registry=REGISTRY)

_KINDS = re.compile(r"^[a-z_]{1,32}$")
_ERRCODE = re.compile(r"^errcode (-?\d+):")


def label(value: str) -> str:
    """A label value from a fixed vocabulary; anything else is `other` (no free text reaches a label)."""
    return value if _KINDS.match(value or "") else "other"


_MESSAGES_IN_BY: dict[tuple[str, str], Any] = {}  # labels() takes a lock and checks each value: once per pair


def message_in(channel: str, kind: str) -> None:
    child = _MESSAGES_IN_BY.get((channel, kind))
    if child is None:
        child = MESSAGES_IN.labels(label(channel), label(kind))
        if len(_MESSAGES_IN_BY) < 64:  # the kinds are WeChat's few; a stranger's never grows this
            _MESSAGES_IN_BY[(channel, kind)] = child
    child.inc()


def reply_late(channel: str) -> None:
    REPLIES_LATE.labels(label(channel)).inc()


def message_queued(channel: str) -> None:
    QUEUED.labels(label(channel)).inc()


def token_refreshed(api: str) -> None:
    TOKEN_REFRESHES.labels(label(api)).inc()


def send_error(errcode: int | str) -> None:
    SEND_ERRORS.labels(str(int(errcode)) if str(errcode).lstrip("-").isdigit() else "other").inc()


def errcode_of(last_error: str) -> str:
    m = _ERRCODE.match(last_error or "")
    return m.group(1) if m else "other"


async def database_gauges() -> list[GaugeMetricFamily]:
    from tortoise import Tortoise

    conn = Tortoise.get_connection("default")
    backlog = GaugeMetricFamily("qingfeng_outbox_backlog", "Outbox messages waiting to be sent", labels=["kind"])
    for row in (await conn.execute_query(
            "SELECT kind, COUNT(*) AS n FROM outbox_message WHERE status IN ('pending', 'sending') GROUP BY kind"))[1]:
        backlog.add_metric([label(str(row["kind"]))], float(row["n"]))
    failed = GaugeMetricFamily("qingfeng_outbox_failed", "Outbox messages given up on, by errcode", labels=["errcode"])
    by_code: dict[str, float] = {}
    for row in (await conn.execute_query(
            "SELECT last_error, COUNT(*) AS n FROM outbox_message WHERE status = 'failed' GROUP BY last_error"))[1]:
        code = errcode_of(str(row["last_error"]))
        by_code[code] = by_code.get(code, 0.0) + float(row["n"])
    for code, n in sorted(by_code.items()):
        failed.add_metric([code], n)
    overdue = GaugeMetricFamily("qingfeng_cases_overdue", "Open cases past their deadline", labels=["level"])
    for row in (await conn.execute_query(
            "SELECT overdue_level, COUNT(*) AS n FROM case_report WHERE overdue_level > 0 "
            "AND status IN ('received', 'accepted', 'investigating') GROUP BY overdue_level"))[1]:
        overdue.add_metric([str(int(row["overdue_level"]))], float(row["n"]))
    return [backlog, failed, overdue]


class _Snapshot(Collector):
    def __init__(self, families: list[GaugeMetricFamily]) -> None:
        self.families = families

    def collect(self) -> Iterator[Any]:
        yield from self.families


async def render() -> bytes:
    """This process's counters, then the database's gauges."""
    snapshot = CollectorRegistry()
    snapshot.register(_Snapshot(await database_gauges()))
    return generate_latest(REGISTRY) + generate_latest(snapshot)


def mount(app: web.Application, services: "Services") -> None:
    async def metrics(_: web.Request) -> web.Response:
        body = await render()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_PLAIN_0_0_4})

    app.router.add_get("/metrics", metrics)


def serve_worker_metrics(port: int) -> None:
    """The worker's counters (sends, token refreshes) on their own port; the gauges come from the servers."""
    from prometheus_client import start_http_server

    start_http_server(port, addr="0.0.0.0", registry=REGISTRY)
