"""小微权力清单: the county's list of village-level powers, cached per process, and the answer texts.

Each process keeps the list and its word index in memory. A change in the panel or an import bumps
a Redis counter (storage.keys.publication_version); a process compares it with its copy at most every
REFRESH_S seconds, in the background, so matching a question ("低保怎么申请") is synchronous — the
dispatcher's filters are — and costs no round trip. The process that made a change reloads at once.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

from nlp.publication import PowerEntry, PowerIndex, PowerMatch, match_power_question
from storage import keys
from storage.models.publication import PowerItem

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from bot.services import Services

REPORT_HINT = "如果有人不按这个办，可以回复【举报】"
AREA = "powers"
REFRESH_S = 5.0


@dataclass(frozen=True)
class Power:
    code: str
    title: str
    section: str
    categories: tuple[str, ...]
    keywords: tuple[str, ...]
    decider: str
    steps: tuple[str, ...]
    documents: tuple[str, ...]
    time_limit: str
    basis: str

    @classmethod
    def of(cls, item: PowerItem) -> "Power":
        return cls(item.code, item.title, item.section, tuple(item.categories or ()), tuple(item.keywords or ()),
                   item.decider, tuple(item.steps or ()), tuple(item.documents or ()), item.time_limit, item.basis)


@dataclass
class PowerList:
    version: str
    items: dict[str, Power]  # by code, in list order
    index: PowerIndex
    checked: float = field(default_factory=time.monotonic)

    @classmethod
    def build(cls, version: str, powers: Iterable[Power]) -> "PowerList":
        items = {p.code: p for p in powers}
        index = PowerIndex.build(PowerEntry(p.code, p.title, p.keywords) for p in items.values())
        return cls(version, items, index)

    def for_category(self, category: str) -> list[Power]:
        return [p for p in self.items.values() if category in p.categories]


_cache: PowerList | None = None


_refreshing: "object | None" = None


async def current(redis: "Redis") -> PowerList:
    """The list as the database holds it now (reloaded when another process or the panel changed it)."""
    global _cache
    raw = await redis.get(keys.publication_version(AREA))
    version = raw.decode() if isinstance(raw, bytes) else str(raw or "0")
    if _cache is None or _cache.version != version:
        items = await PowerItem.all().order_by("position", "id")
        _cache = PowerList.build(version, (Power.of(i) for i in items))
    _cache.checked = time.monotonic()
    return _cache


async def changed(redis: "Redis") -> None:
    await redis.incr(keys.publication_version(AREA))
    await current(redis)


def forget() -> None:
    """Drop this process's copy (the next question reloads it): for a database emptied under a running process."""
    global _cache
    _cache = None


def cached(services: "Services") -> PowerList | None:
    """This process's copy, without waiting; a check against Redis starts in the background when it is due."""
    global _refreshing
    if (_cache is None or time.monotonic() - _cache.checked > REFRESH_S) and _refreshing is None:
        async def refresh() -> None:
            global _refreshing
            try:
                await current(services.redis)
            finally:
                _refreshing = None

        _refreshing = services.spawn(refresh())
    return _cache


def answer_question(text: str, services: "Services") -> Power | None:
    """The listed power a villager's question is about, or None."""
    powers = cached(services)
    found: PowerMatch | None = match_power_question(text, powers.index) if powers else None
    return powers.items.get(found.code) if powers and found else None


def warm_up(app: object, services: "Services") -> None:
    """A mount (bot.app): load the list before the first question, so the first one is answered too."""
    async def load(_app: object) -> None:
        try:
            await current(services.redis)
        except Exception:  # an unmigrated database: the first keyword loads it instead
            pass

    app.on_startup.append(load)  # type: ignore[attr-defined]


def answer_text(p: Power, *, with_hint: bool = True) -> str:
    """Steps and time limit first (what was asked), then who decides, documents and basis."""
    lines = [f"【{p.title}】"]
    if p.steps:
        lines.append("办理流程：")
        lines += [f"{i}. {s}" for i, s in enumerate(p.steps, 1)]
    if p.time_limit:
        lines.append(f"办理时限：{p.time_limit}")
    if p.decider:
        lines.append(f"谁来决定：{p.decider}")
    if p.documents:
        lines.append("所需材料：" + "、".join(p.documents))
    if p.basis:
        lines.append(f"依据：{p.basis}")
    if with_hint:
        lines.append(REPORT_HINT)
    return "\n".join(lines)


def list_text(powers: PowerList) -> str:
    if not powers.items:
        return "本县的小微权力清单还没有发布。"
    sections: dict[str, list[Power]] = {}
    for p in powers.items.values():
        sections.setdefault(p.section or "其他", []).append(p)
    lines = [f"本县村级小微权力清单（共{len(powers.items)}项）："]
    n = 0
    for section, items in sections.items():
        titles = []
        for p in items:
            n += 1
            titles.append(f"{n}.{p.title}")
        lines.append(f"〔{section}〕" + " ".join(titles))
    lines.append("回复【权力清单 编号】或直接问，比如“低保怎么申请”“宅基地审批要多久”。")
    return "\n".join(lines)


def by_number(powers: PowerList, number: int) -> Power | None:
    items = list(powers.items.values())
    return items[number - 1] if 1 <= number <= len(items) else None


async def rules_for_case(category: str, text: str) -> tuple[list[Power], list[Power]]:
    """The listed powers a case's category links to: those its text names first (低保 in a 低保 report),
    then the rest of the category's items. Shown to staff on the case page."""
    linked = [Power.of(i) for i in await PowerItem.all().order_by("position", "id") if category in (i.categories or ())]
    named = [p for p in linked if any(w and w in text for w in (p.title, *p.keywords))]
    return named, [p for p in linked if p not in named]
