"""多村领取: one ID paid by one program from two or more villages in the same year.

A person lives in one village; the same program paying them from several is
a sign of a fake or borrowed identity (冒领). Different programs from
different villages are not counted (land may lie elsewhere). The finding
belongs to no single village, so it routes to the shared township, or to the
county when the villages lie in different townships.
"""
from __future__ import annotations

from handlers.compare.rule import PAYMENTS, VILLAGES, Rule, amount, same_or_null, year_of

SQL = f"""
SELECT p.id_hash, NULL AS village_id, {same_or_null('v.township_id')} AS township_id,
       p.program, p.year AS period, COUNT(*) AS records, SUM({amount('p.amount')}) AS amount,
       MIN(p.paid_on) AS first_paid, MAX(p.paid_on) AS last_paid,
       CAST(COUNT(DISTINCT p.village_id) AS TEXT) AS note
FROM (SELECT r.id_hash, r.village_id, r.program, r.amount, r.paid_on, {year_of('r.paid_on')} AS year
      FROM {PAYMENTS} r) p
JOIN {VILLAGES} v ON v.code = p.village_id
GROUP BY p.id_hash, p.program, p.year
HAVING COUNT(DISTINCT p.village_id) > 1
"""

RULE = Rule(
    name="multi_village", title="多村重复领取", category="subsidy_fraud",
    meaning="同一身份证号同一年度在不同村领取了同一项目的资金", sql=SQL,
)
