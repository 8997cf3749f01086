"""Fixtures of the lifecycle tests: a registry with a three-township zone, staff bound to
WeChat/WeCom identities, a clock the test sets, filing helpers, and the fake WeChat API
(reset per test) that the outbox sender talks to over HTTP."""
from __future__ import annotations

import copy
import json
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, AsyncIterator

import pytest
import pytest_asyncio

from bot.fake_wechat import fake_openid
from storage.china_time import CHINA_TZ as TZ
from handlers.cases.delivery import DeliveryConfig, deliver_due
from handlers.cases.filing import ReportDraft, file_report
from storage.models import Case, Role, Staff, StaffBinding

from tests.conftest import REGISTRY_EXAMPLE

REGISTRY = json.loads(REGISTRY_EXAMPLE.read_text(encoding="utf-8"))
COUNTY = "610798"
NANBA, DONGLING, QINGSHUI, BEIHE = "610798101", "610798102", "610798201", "610798103"
HUJIA, SHIQIAO_ELEVATED, DONGLING_V, BEIHE_V = "610798101201", "610798101202", "610798102201", "610798103201"

# The reporter's identity: tests look for these strings in everything sent to staff.
REPORTER_OPENID = fake_openid("reporter-zhang")
REPORTER_NAME = "张秀英"
REPORTER_PHONE = "13912345678"
FAST = DeliveryConfig(max_attempts=4, backoff_base=0.05, lease_s=5.0, batch=50)


def registry_with_third_township() -> dict[str, Any]:
    """The example registry plus 北河镇 in zone z1, so z1 has three commissions to rotate through."""
    data = copy.deepcopy(REGISTRY)
    data["zones"][0]["townships"].append(BEIHE)
    data["townships"].append({"code": BEIHE, "name": "北河镇", "aliases": ["北河"], "commission": "北河镇纪委",
                              "villages": [{"code": BEIHE_V, "name": "北河村", "aliases": []}]})
    return data


class Clock:
    """services.clock, set by the test (China time)."""

    def __init__(self) -> None:
        self.now = time.time()

    def set(self, day: date, hour: int = 10) -> None:
        self.now = datetime(day.year, day.month, day.day, hour, tzinfo=TZ).timestamp()

    def __call__(self) -> float:
        return self.now


@dataclass
class World:
    services: Any
    fake: Any
    clock: Clock
    staff: dict[str, Staff] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # username -> openid / userid

    async def add_staff(self, username: str, role: Role, scope: str, channel: str = "mp") -> Staff:
        s = await Staff.create(username=username, display_name=username, role=role, scope_code=scope)
        ident = fake_openid(f"staff-{username}") if channel == "mp" else f"wecom-{username}"
        subject = self.services.cipher.subject_hash(channel, ident)
        await StaffBinding.create(staff=s, channel=channel, subject_hash=subject,
                                  external_enc=self.services.cipher.seal(ident))
        self.staff[username], self.ids[username] = s, ident
        return s

    async def file(self, text: str = "胡家庄村会计把我家的低保钱扣了一半", *, category: str = "subsidy_fraud",
                   township: str = NANBA, village: str = HUJIA, level: str = "village", anonymous: bool = False,
                   exclude: bool = False, channel: str = "mp", reporter: str = REPORTER_OPENID) -> Case:
        """`reporter`: who sends it (匿名 too: never stored, it only tells one villager's reports apart)."""
        draft = ReportDraft(channel=channel, text=text, category=category, township=township, village=village,
                            level=level, anonymous=anonymous, exclude_township=exclude, sender=reporter,
                            openid=None if anonymous else reporter,
                            name=None if anonymous else REPORTER_NAME, phone=None if anonymous else REPORTER_PHONE)
        filed = await file_report(draft, self.services)
        return await Case.get(id=filed.case.id)

    async def deliver(self, config: DeliveryConfig = FAST) -> Any:
        return await deliver_due(self.services, config)

    def sent_to(self, username: str) -> list[Any]:
        ident = self.ids[username]
        return [r for r in self.fake.records if r.body.get("touser") == ident]

    def texts_to(self, username: str) -> list[str]:
        return [_text_of(r.body) for r in self.sent_to(username)]

    def to_reporter(self) -> list[Any]:
        return [r for r in self.fake.records if r.body.get("touser") == REPORTER_OPENID]


def template_value(world: World, record: Any, value: str, purpose: str = "reporter") -> str:
    """What a template message the fake got says for one of our values, through the configured field map."""
    spec = world.services.settings.tpl.specs()[purpose]
    [key] = [k for k, v in spec.fields.items() if v == value]
    return str(record.body["data"][key]["value"])


def _text_of(body: dict[str, Any]) -> str:
    if "text" in body:
        return str(body["text"]["content"])
    if "template_card" in body:  # a WeCom card: what the phone shows, in order
        card = body["template_card"]
        rows = [f"{r['keyname']}:{r.get('value', '')}" for r in card.get("horizontal_content_list", [])]
        return "\n".join([card["main_title"].get("title", ""), *rows])
    return json.dumps(body.get("data", {}), ensure_ascii=False)


@pytest_asyncio.fixture
async def world(services: Any, fake_wechat: Any) -> AsyncIterator[World]:
    from storage.registry import import_registry

    await import_registry(registry_with_third_township())
    await services.registry_changed()
    services.registry_cache.forget()
    fake_wechat.state.reset()
    clock = Clock()
    clock.set(date(2026, 11, 23))  # a Monday
    original = services.clock
    services.clock = clock
    w = World(services, fake_wechat, clock)
    await w.add_staff("county", Role.COUNTY_STAFF, COUNTY, channel="work")
    await w.add_staff("nanba", Role.TOWNSHIP_STAFF, NANBA)
    await w.add_staff("dongling", Role.TOWNSHIP_STAFF, DONGLING, channel="work")
    await w.add_staff("beihe", Role.TOWNSHIP_STAFF, BEIHE)
    await w.add_staff("qingshui", Role.TOWNSHIP_STAFF, QINGSHUI)
    await w.add_staff("monitor", Role.MONITOR, HUJIA)
    await w.add_staff("auditor", Role.AUDITOR, COUNTY)
    try:
        yield w
    finally:
        services.clock = original
        fake_wechat.state.reset()


@pytest.fixture
def reporter_secrets() -> tuple[str, ...]:
    return (REPORTER_OPENID, REPORTER_NAME, REPORTER_PHONE)
