"""重复发放: one village paid one ID twice or more by one program within one pay period.

The period comes from the program's standard (month, quarter, year, or once
for one-off grants such as 危房改造); a program without a standard is taken
as monthly. Two payments in consecutive months are not a duplicate. Payments
from different villages are the `multi_village` rule's, not this one's, so
the same records never raise two clues.
"""
from __future__ import annotations

from handlers.compare.rule import PAYMENTS, PERIOD, VILLAGES, Rule, amount

SQL = f"""
SELECT p.id_hash, p.village_id, v.township_id, p.program, p.period,
       COUNT(*) AS records, SUM({amount('p.amount')}) AS amount,
       MIN(p.paid_on) AS first_paid, MAX(p.paid_on) AS last_paid, '' AS note
FROM (
    SELECT r.id_hash, r.village_id, r.program, r.amount, r.paid_on, {PERIOD} AS period
    FROM {PAYMENTS} r LEFT JOIN compare_standard s ON s.program = r.program
) p
JOIN {VILLAGES} v ON v.code = p.village_id
GROUP BY p.id_hash, p.village_id, v.township_id, p.program, p.period
HAVING COUNT(*) > 1
"""

RULE = Rule(
    name="duplicate", title="重复发放", category="subsidy_fraud",
    meaning="同一村在同一项目的同一发放周期内向同一身份证号发放了不止一次", sql=SQL,
)
