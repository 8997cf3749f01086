"""群众点题: the county opens a round of topics; villagers vote, one vote per villager per round.

A vote is keyed by the voter's subject hash (the keyed hash every channel already uses for a
sender), with a unique constraint on (round, subject): a second vote — a retry, a second
message, a race between two processes — is refused by the database, not by a prior read. The
voter's township (when they name their village) lets the panel show results per township.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from storage import audit
from storage.china_time import today as china_today
from storage.models.publication import RoundStatus, Topic, TopicRound, TopicVote


class VoteOutcome(StrEnum):
    COUNTED = "counted"
    ALREADY = "already_voted"
    CLOSED = "round_closed"
    NO_TOPIC = "no_topic"


class RoundRefused(ValueError):
    pass


async def open_round() -> TopicRound | None:
    """The round villagers can vote in now (the newest open one within its dates)."""
    today = china_today()
    return await (TopicRound.filter(status=RoundStatus.OPEN, opens_on__lte=today, closes_on__gte=today)
                  .order_by("-id").first())


async def last_closed() -> TopicRound | None:
    return await TopicRound.filter(status=RoundStatus.CLOSED).order_by("-closes_on", "-id").first()


async def topics_of(r: TopicRound) -> list[Topic]:
    return await Topic.filter(round_id=r.id).order_by("position", "id")


async def create_round(title: str, opens_on: date, closes_on: date, topics: list[tuple[str, str]], *,
                       actor: str) -> TopicRound:
    title = title.strip()
    items = [(t.strip()[:64], d.strip()) for t, d in topics if t.strip()]
    if not title or len(items) < 2:
        raise RoundRefused("请填写点题名称和至少两个题目")
    if closes_on < opens_on:
        raise RoundRefused("截止日期不能早于开始日期")
    async with in_transaction():
        r = await TopicRound.create(title=title[:128], opens_on=opens_on, closes_on=closes_on)
        await Topic.bulk_create([Topic(round_id=r.id, title=t, description=d, position=i)
                                 for i, (t, d) in enumerate(items)])
    await audit.append(actor, "topics.create", f"round:{r.id}", {"topics": len(items)})
    return r


async def set_status(r: TopicRound, status: RoundStatus, *, actor: str, chosen: list[int] | None = None) -> None:
    """Open or close a round; closing marks the chosen topics (by default the two with most votes)."""
    async with in_transaction():
        r.status = status
        await r.save(update_fields=["status"])
        if status == RoundStatus.CLOSED:
            if chosen is None:
                counts = await tally(r)
                chosen = [t for t, n in sorted(counts.items(), key=lambda kv: -kv[1])[:2] if n]
            await Topic.filter(round_id=r.id).update(chosen=False)
            await Topic.filter(round_id=r.id, id__in=chosen).update(chosen=True)
    await audit.append(actor, f"topics.{status}", f"round:{r.id}", {"chosen": chosen or []})


async def vote(r: TopicRound, topic_id: int, subject: str, *, township: str = "", channel: str = "") -> VoteOutcome:
    today = china_today()
    if r.status != RoundStatus.OPEN or not r.opens_on <= today <= r.closes_on:
        return VoteOutcome.CLOSED
    if not await Topic.exists(id=topic_id, round_id=r.id):
        return VoteOutcome.NO_TOPIC
    try:
        async with in_transaction():
            await TopicVote.create(round_id=r.id, topic_id=topic_id, subject_hash=subject, township_id=township,
                                   channel=channel)
    except IntegrityError:
        return VoteOutcome.ALREADY
    return VoteOutcome.COUNTED


async def has_voted(r: TopicRound, subject: str) -> bool:
    return await TopicVote.exists(round_id=r.id, subject_hash=subject)


async def tally(r: TopicRound, *, township: str | None = None) -> dict[int, int]:
    qs = TopicVote.filter(round_id=r.id)
    if township is not None:
        qs = qs.filter(township_id=township)
    rows = await qs.annotate(n=Count("id")).group_by("topic_id").values("topic_id", "n")
    return {row["topic_id"]: row["n"] for row in rows}


@dataclass(frozen=True)
class TownshipResult:
    township: str  # code, "" when the voter named no village
    counts: dict[int, int]


async def by_township(r: TopicRound, township: str | None = None) -> list[TownshipResult]:
    qs: Any = TopicVote.filter(round_id=r.id)
    if township is not None:
        qs = qs.filter(township_id=township)
    rows = await qs.annotate(n=Count("id")).group_by("township_id", "topic_id").values("township_id", "topic_id", "n")
    per: dict[str, dict[int, int]] = {}
    for row in rows:
        per.setdefault(row["township_id"] or "", {})[row["topic_id"]] = row["n"]
    return [TownshipResult(t, c) for t, c in sorted(per.items())]
