"""低保户有车或经营: 低保 paid to a person with a vehicle or a business registered at the time of payment.

A program counts as 低保 when its name contains "低保" (农村低保, 城市低保).
A registration counts from its date up to (not including) the date it ended.
Matched on the recipient's own ID: the disbursement tables name the household
head, not every member. `note` lists the kinds found (vehicle, business).
"""
from __future__ import annotations

from handlers.compare.rule import PAYMENTS, VILLAGES, Rule, amount

_ACTIVE = """g.id_hash = r.id_hash AND g.registered_on <= r.paid_on
             AND (g.ended_on IS NULL OR g.ended_on > r.paid_on)"""

SQL = f"""
SELECT r.id_hash, r.village_id, v.township_id, '低保' AS program, '' AS period,
       COUNT(*) AS records, SUM({amount('r.amount')}) AS amount,
       MIN(r.paid_on) AS first_paid, MAX(r.paid_on) AS last_paid,
       (SELECT MIN(g.kind) || CASE WHEN MIN(g.kind) <> MAX(g.kind) THEN '+' || MAX(g.kind) ELSE '' END
        FROM compare_registration g WHERE g.id_hash = r.id_hash) AS note
FROM {PAYMENTS} r
JOIN {VILLAGES} v ON v.code = r.village_id
WHERE r.program LIKE '%低保%' AND EXISTS (SELECT 1 FROM compare_registration g WHERE {_ACTIVE})
GROUP BY r.id_hash, r.village_id, v.township_id
"""

RULE = Rule(
    name="dibao_assets", title="低保户名下有车辆或经营主体", category="subsidy_fraud",
    meaning="领取低保期间本人名下登记有车辆或经营主体", sql=SQL, program_match="contains",
)
