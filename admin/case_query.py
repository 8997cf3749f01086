"""The case list's filters (status, category, township, overdue, dates, text) applied to a scoped query."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Mapping
from urllib.parse import urlencode

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from admin.filters import CST, STATUS_NAMES
from admin.stats import overdue_q
from handlers.cases.numbers import find_case_number
from nlp.categories import CATEGORY_NAMES
from storage.models import Case

PAGE_SIZE = 50


@dataclass
class CaseFilter:
    status: str = ""
    category: str = ""
    township: str = ""
    overdue: str = ""
    since: str = ""
    until: str = ""
    q: str = ""

    @classmethod
    def parse(cls, query: Mapping[str, str]) -> "CaseFilter":
        f = cls(**{k: (query.get(k) or "").strip()[:100] for k in cls.__dataclass_fields__})
        # Unknown values are dropped rather than passed to the database.
        if f.status not in STATUS_NAMES:
            f.status = ""
        if f.category not in CATEGORY_NAMES:
            f.category = ""
        if not f.township.isdigit():
            f.township = ""
        f.overdue = "1" if f.overdue == "1" else ""
        f.since = f.since if _date(f.since) else ""
        f.until = f.until if _date(f.until) else ""
        return f

    def apply(self, qs: QuerySet[Case]) -> QuerySet[Case]:
        if self.status:
            qs = qs.filter(status=self.status)
        if self.category:
            qs = qs.filter(category=self.category)
        if self.township:
            qs = qs.filter(township_id=self.township)
        if self.overdue:
            qs = qs.filter(overdue_q(datetime.now(CST).date()))
        if self.since:
            qs = qs.filter(created_at__gte=datetime.combine(_date(self.since), time(), tzinfo=CST))  # type: ignore[arg-type]
        if self.until:
            end = datetime.combine(_date(self.until), time(), tzinfo=CST) + timedelta(days=1)  # type: ignore[arg-type]
            qs = qs.filter(created_at__lt=end)
        if self.q:
            number = find_case_number(self.q)
            qs = qs.filter(number=number) if number else qs.filter(Q(text__icontains=self.q))
        return qs

    def query_string(self, **extra: object) -> str:
        d = {k: v for k, v in asdict(self).items() if v}
        d.update({k: str(v) for k, v in extra.items()})
        return urlencode(d)

    def as_detail(self) -> dict[str, str]:
        """For the audit log: the filters, without free text (it may quote a person)."""
        return {k: v for k, v in asdict(self).items() if v and k != "q"} | ({"q": "(text)"} if self.q else {})


def _date(s: str) -> date | None:
    try:
        return date.fromisoformat(s)
    except ValueError:
        return None
