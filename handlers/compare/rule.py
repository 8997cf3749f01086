"""What a comparison rule is: a name, a category, and one set-based SQL query.

Every rule's query returns the same columns, one row per suspected problem:

    id_hash, village_id, township_id, program, period, records, amount, first_paid, last_paid, note

`village_id` / `township_id` are NULL when the records span several. `note`
carries rule facts (a death date, a post, a standard), never a personal value.
The SQL is plain enough to run unchanged on PostgreSQL and SQLite: dates are
compared as ISO text on SQLite and as dates on PostgreSQL (`CAST(d AS TEXT)`
is 'YYYY-MM-DD' on both), amounts are cast to NUMERIC because SQLite keeps
decimals as text.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from storage.models.compare import finding_fingerprint

# The subsidy tables of the core app, named once here.
PAYMENTS = "subsidy_record"
VILLAGES = "village"


def day(column: str) -> str:
    """A date column as 'YYYY-MM-DD' text on both backends."""
    return f"CAST({column} AS TEXT)"


def year_of(column: str) -> str:
    return f"SUBSTR({day(column)}, 1, 4)"


def amount(column: str) -> str:
    return f"CAST({column} AS NUMERIC)"


def same_or_null(column: str) -> str:
    """The group's single value of `column`, or NULL when the group has several."""
    return f"CASE WHEN MIN({column}) = MAX({column}) THEN MIN({column}) END"


# The pay period of a record (alias r) under its program's standard (alias s, LEFT JOINed):
# monthly unless the standard says otherwise.
PERIOD = f"""CASE COALESCE(s.period, 'month')
    WHEN 'year' THEN {year_of('r.paid_on')}
    WHEN 'quarter' THEN {year_of('r.paid_on')} || '-Q' ||
        CAST((CAST(SUBSTR({day('r.paid_on')}, 6, 2) AS INTEGER) + 2) / 3 AS TEXT)
    WHEN 'once' THEN 'once'
    ELSE SUBSTR({day('r.paid_on')}, 1, 7)
END"""

COLUMNS = ("id_hash", "village_id", "township_id", "program", "period", "records", "amount",
           "first_paid", "last_paid", "note")


@dataclass(frozen=True)
class Hit:
    """One row of a rule's result, typed."""

    id_hash: str
    village_id: str | None
    township_id: str | None
    program: str
    period: str
    records: int
    amount: Decimal
    first_paid: date | None
    last_paid: date | None
    note: str


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def to_hit(row: dict[str, Any]) -> Hit:
    return Hit(
        id_hash=row["id_hash"], village_id=row["village_id"] or None, township_id=row["township_id"] or None,
        program=row["program"] or "", period=str(row["period"] or ""), records=int(row["records"] or 0),
        amount=Decimal(str(row["amount"] or 0)).quantize(Decimal("0.01")),
        first_paid=_date(row["first_paid"]), last_paid=_date(row["last_paid"]), note=str(row["note"] or ""),
    )


@dataclass(frozen=True)
class Rule:
    name: str  # stable id, part of every fingerprint: never rename
    title: str  # 规则名称, shown to staff
    category: str  # the report category of the clue it raises
    meaning: str  # one sentence: why this is suspicious
    sql: str
    program_match: str = "exact"  # how a finding's program selects its records: exact | contains

    def fingerprint(self, hit: Hit) -> str:
        return finding_fingerprint(self.name, hit.id_hash, hit.village_id, hit.program, hit.period)
