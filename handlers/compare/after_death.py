"""死亡后发放: payments dated after the recipient's recorded death.

Strictly after: a payment on the day of death or before is not counted.
One finding per person and paying village, whatever the programs, so a
pension that keeps running month after month is one clue, not twelve.
"""
from __future__ import annotations

from handlers.compare.rule import PAYMENTS, VILLAGES, Rule, amount, day

SQL = f"""
SELECT r.id_hash, r.village_id, v.township_id, '' AS program, '' AS period,
       COUNT(*) AS records, SUM({amount('r.amount')}) AS amount,
       MIN(r.paid_on) AS first_paid, MAX(r.paid_on) AS last_paid, MIN({day('d.died_on')}) AS note
FROM {PAYMENTS} r
JOIN compare_death d ON d.id_hash = r.id_hash
JOIN {VILLAGES} v ON v.code = r.village_id
WHERE r.paid_on > d.died_on
GROUP BY r.id_hash, r.village_id, v.township_id
"""

RULE = Rule(
    name="after_death", title="死亡后仍发放", category="subsidy_fraud",
    meaning="资金发放日期晚于登记的死亡日期", sql=SQL,
)
