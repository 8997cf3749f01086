"""Which comparison findings a staff member may see, and the findings list's filters.

    county_admin, county_staff   every finding
    township_staff               findings whose clue is a case of their office (admin.scope.cases_for), and
                                 findings of their township that have no clue yet; a finding raised in
                                 their township but routed to the county (提级监督, several townships) is not theirs
    monitor, auditor             none

Visibility follows the clue, so the findings page never shows what the case list would hide.
A finding outside the scope is answered 404, like one that does not exist.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Mapping
from urllib.parse import urlencode

from aiohttp import web
from tortoise.expressions import Q, Subquery
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from admin import scope
from handlers.compare import RULES_BY_NAME
from storage.models import Role, Staff
from storage.models.compare import Finding, FindingStatus

FINDING_ROLES = scope.ACTING_ROLES
PAGE_SIZE = 50
STATE_NAMES = {FindingStatus.OPEN.value: "待核实", FindingStatus.EXPLAINED.value: "已说明"}


def findings_for(staff: Staff, county: str) -> QuerySet[Finding]:
    r = scope.role(staff)
    if r in (Role.COUNTY_ADMIN, Role.COUNTY_STAFF):
        return Finding.all()
    if r is Role.TOWNSHIP_STAFF and staff.scope_code:
        own_cases = Subquery(scope.cases_for(staff, county).values("id"))
        return Finding.filter(Q(case_id__in=own_cases) | Q(case_id=None, township_id=staff.scope_code))
    return Finding.filter(id__lt=0)


async def finding_or_404(staff: Staff, finding_id: str, county: str) -> Finding:
    try:
        fid = int(finding_id)
    except (TypeError, ValueError):
        raise web.HTTPNotFound(text="没有这条比对疑点，或不在您的管辖范围内。") from None
    f = await findings_for(staff, county).filter(id=fid).first()
    if f is None:
        raise web.HTTPNotFound(text="没有这条比对疑点，或不在您的管辖范围内。")
    return f


@dataclass
class FindingFilter:
    rule: str = ""
    township: str = ""
    state: str = ""

    @classmethod
    def parse(cls, query: Mapping[str, str]) -> "FindingFilter":
        f = cls(**{k: (query.get(k) or "").strip()[:40] for k in cls.__dataclass_fields__})
        # Unknown values are dropped rather than passed to the database.
        if f.rule not in RULES_BY_NAME:
            f.rule = ""
        if f.township != "none" and not f.township.isdigit():
            f.township = ""
        if f.state not in STATE_NAMES:
            f.state = ""
        return f

    def apply(self, qs: QuerySet[Finding]) -> QuerySet[Finding]:
        if self.rule:
            qs = qs.filter(rule=self.rule)
        if self.township == "none":  # across several townships
            qs = qs.filter(township_id=None)
        elif self.township:
            qs = qs.filter(township_id=self.township)
        if self.state:
            qs = qs.filter(status=self.state)
        return qs

    def query_string(self, **extra: object) -> str:
        return urlencode({k: v for k, v in {**asdict(self), **extra}.items() if v})

    def as_detail(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


@dataclass
class Counts:
    """Findings per key (a rule, a township), open and explained."""

    open: int = 0
    explained: int = 0

    @property
    def total(self) -> int:
        return self.open + self.explained


async def counts_by(qs: QuerySet[Finding], column: str) -> dict[str, Counts]:
    """One GROUP BY over the scoped findings; the key "" stands for NULL (several townships)."""
    rows = await qs.annotate(n=Count("id")).group_by(column, "status").values(column, "status", "n")
    out: dict[str, Counts] = {}
    for row in rows:
        c = out.setdefault(row[column] or "", Counts())
        setattr(c, "explained" if row["status"] == FindingStatus.EXPLAINED else "open", int(row["n"]))
    return out
