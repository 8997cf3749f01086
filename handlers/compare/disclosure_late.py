"""村务公开不及时: a village with nothing disclosed for a period by its due date (publication app).

One finding per village, kind and period (program = the kind, period = the period's label), so a
village stays raised once however often the rules run, and an explanation (a disaster, a merger of
villages) closes it for good. Late uploads do not clear it: the disclosure was late. `note` is the
due date. The date compared with is the database's CURRENT_DATE.
"""
from __future__ import annotations

from handlers.compare.rule import VILLAGES, Rule, day

SQL = f"""
SELECT '' AS id_hash, v.code AS village_id, v.township_id AS township_id, p.kind AS program,
       p.label AS period, 0 AS records, 0 AS amount, p.starts_on AS first_paid, p.ends_on AS last_paid,
       {day('p.due_on')} AS note
FROM publication_period p
CROSS JOIN {VILLAGES} v
WHERE {day('p.due_on')} < {day('CURRENT_DATE')}
  AND NOT EXISTS (SELECT 1 FROM publication_disclosure d
                  WHERE d.village_id = v.code AND d.period_id = p.id AND {day('d.published_on')} <= {day('p.due_on')})
"""

RULE = Rule(
    name="disclosure_late", title="村务公开不及时", category="disclosure",
    meaning="公开期已过，本村没有按时公开村务、财务", sql=SQL,
)
