"""公示 archive: every announcement sent to village groups is kept with its date, sender office and villages;
subsidy 公示 lists are built from the imported records, masked to the surname.

`record` is called by handlers.cases.announce.announce inside the same transaction that queues the
messages, so nothing is sent that the archive does not have.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tortoise.expressions import Q, Subquery

from storage.models import SubsidyRecord, Village, WechatGroup
from storage.models.publication import Announcement, AnnouncementVillage

if TYPE_CHECKING:
    from storage.crypto import PersonalDataCipher

PAGE = 20


async def record(text: str, groups: list[WechatGroup], *, sender: str, office_code: str, office_name: str,
                 kind: str = "general", title: str = "", using_db: Any = None) -> Announcement:
    a = await Announcement.create(kind=kind, title=title[:128] or text.strip().splitlines()[0][:40], text=text,
                                  office_code=office_code, office_name=office_name, sender=sender,
                                  groups=len(groups), using_db=using_db)
    villages = dict.fromkeys(g.village_id for g in groups)  # type: ignore[attr-defined]
    await AnnouncementVillage.bulk_create([AnnouncementVillage(announcement_id=a.id, village_id=v) for v in villages],
                                          using_db=using_db)
    return a


def search(*, village: str | None = None, township: str | None = None, q: str = "", kind: str = "") -> Any:
    """The archive, newest first, narrowed to a village (or a township's villages) and a search word."""
    qs = Announcement.all()
    if village:
        qs = qs.filter(villages__village_id=village)
    elif township:
        codes = Subquery(Village.filter(township_id=township).values("code"))  # a query, not a list: one SQL
        qs = qs.filter(villages__village_id__in=codes)
    if q:
        qs = qs.filter(Q(text__icontains=q) | Q(title__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.distinct().order_by("-sent_at", "-id")


async def villages_of(ids: list[int]) -> dict[int, list[str]]:
    """Village names per announcement (for the archive's lists)."""
    rows = await AnnouncementVillage.filter(announcement_id__in=ids).values("announcement_id", "village_id")
    names = dict(await Village.filter(code__in={r["village_id"] for r in rows}).values_list("code", "name"))
    out: dict[int, list[str]] = defaultdict(list)
    for r in rows:
        out[r["announcement_id"]].append(str(names.get(r["village_id"], r["village_id"])))
    return out


def surname_only(name: str) -> str:
    """张**: a public list shows that a household is paid, not who it is to a stranger."""
    return (name[:1] + "*" * max(1, len(name) - 1)) if name else "*"


@dataclass(frozen=True)
class SubsidyList:
    village: str
    program: str
    start: date
    end: date
    rows: list[tuple[str, Decimal]]  # masked name, total

    @property
    def text(self) -> str:
        lines = [f"【公示】{self.village}{self.program}发放情况（{self.start}至{self.end}）",
                 f"共{len(self.rows)}户，合计{sum((a for _, a in self.rows), Decimal(0)):.2f}元："]
        lines += [f"{i}. {n} {a:.2f}元" for i, (n, a) in enumerate(self.rows, 1)]
        lines.append("对名单有异议的，可私聊本公众号回复【举报】，可以匿名。")
        return "\n".join(lines)


async def subsidy_list(village: str, program: str, start: date, end: date, cipher: "PersonalDataCipher") -> SubsidyList:
    """The program's recipients in the village over the dates, one line per person, masked to the surname."""
    v = await Village.get(code=village)
    records = await SubsidyRecord.filter(village_id=village, program=program, paid_on__gte=start,
                                         paid_on__lte=end).order_by("id")
    per: dict[str, tuple[str, Decimal]] = {}
    for r in records:
        name, total = per.get(r.id_hash, ("", Decimal(0)))
        if not name:
            try:
                name = surname_only(cipher.open(r.name_enc))
            except Exception:
                name = "*"
        per[r.id_hash] = (name, total + r.amount)
    return SubsidyList(v.name, program, start, end, list(per.values()))
