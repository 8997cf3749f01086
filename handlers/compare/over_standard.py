"""超标准发放: a payment above the program's maximum per payment, or a year's total above its yearly maximum.

Only programs with an imported standard are checked; a payment equal to the
maximum is within the standard. Per-payment findings are grouped per person,
village, program and year (period "YYYY:payment"); yearly totals per person,
program and year across villages (period "YYYY:year"). `note` is the maximum.
"""
from __future__ import annotations

from handlers.compare.rule import PAYMENTS, VILLAGES, Rule, amount, same_or_null, year_of

SQL = f"""
SELECT r.id_hash, r.village_id, v.township_id, r.program, {year_of('r.paid_on')} || ':payment' AS period,
       COUNT(*) AS records, SUM({amount('r.amount')}) AS amount,
       MIN(r.paid_on) AS first_paid, MAX(r.paid_on) AS last_paid,
       CAST(MIN(s.max_per_payment) AS TEXT) AS note
FROM {PAYMENTS} r
JOIN compare_standard s ON s.program = r.program
JOIN {VILLAGES} v ON v.code = r.village_id
WHERE s.max_per_payment IS NOT NULL AND {amount('r.amount')} > {amount('s.max_per_payment')}
GROUP BY r.id_hash, r.village_id, v.township_id, r.program, {year_of('r.paid_on')}
UNION ALL
SELECT p.id_hash, {same_or_null('p.village_id')}, {same_or_null('v.township_id')}, p.program,
       p.year || ':year', COUNT(*), SUM({amount('p.amount')}), MIN(p.paid_on), MAX(p.paid_on),
       CAST(MIN(p.max_per_year) AS TEXT)
FROM (SELECT r.id_hash, r.village_id, r.program, r.amount, r.paid_on, s.max_per_year,
             {year_of('r.paid_on')} AS year
      FROM {PAYMENTS} r JOIN compare_standard s ON s.program = r.program
      WHERE s.max_per_year IS NOT NULL) p
JOIN {VILLAGES} v ON v.code = p.village_id
GROUP BY p.id_hash, p.program, p.year
HAVING SUM({amount('p.amount')}) > {amount('MIN(p.max_per_year)')}
"""

RULE = Rule(
    name="over_standard", title="超标准发放", category="subsidy_fraud",
    meaning="单笔金额或年度合计超过该项目的发放标准", sql=SQL,
)
