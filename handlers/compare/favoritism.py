"""优亲厚友: the recipient is an official of the paying village, or a relative one declared.

Only the paying village counts: a declared relative who is paid by another
village is not a finding (the official has no hand in that village's lists).
Programs whose standard marks them 普惠 (耕地地力保护补贴: every farmer is
paid, nobody picks the recipients) are left out; programs without a standard
count, since most are assessed (评定) ones.
`note` says who they are: the post ("村主任"), or the post and the relation
("村主任的配偶").
"""
from __future__ import annotations

from handlers.compare.rule import PAYMENTS, VILLAGES, Rule, amount

SQL = f"""
SELECT r.id_hash, r.village_id, v.township_id, r.program, '' AS period,
       COUNT(*) AS records, SUM({amount('r.amount')}) AS amount,
       MIN(r.paid_on) AS first_paid, MAX(r.paid_on) AS last_paid, MIN(m.why) AS note
FROM {PAYMENTS} r
JOIN (
    SELECT u.id_hash, u.village_id, MIN(u.why) AS why FROM (
        SELECT o.id_hash, o.village_id, o.post AS why FROM compare_official o
        UNION ALL
        SELECT k.id_hash, o.village_id, o.post || '的' || k.relation AS why
        FROM compare_relative k JOIN compare_official o ON o.id_hash = k.official_hash
    ) u GROUP BY u.id_hash, u.village_id
) m ON m.id_hash = r.id_hash AND m.village_id = r.village_id
JOIN {VILLAGES} v ON v.code = r.village_id
LEFT JOIN compare_standard s ON s.program = r.program
WHERE s.universal IS NULL OR s.universal = FALSE
GROUP BY r.id_hash, r.village_id, v.township_id, r.program
"""

RULE = Rule(
    name="favoritism", title="优亲厚友", category="favoritism",
    meaning="领取人是发放村的村干部本人或其申报的亲属", sql=SQL,
)
