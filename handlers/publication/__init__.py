"""Publication (公开): what villagers can see, and the actions behind it.

    powers.py       小微权力清单: the cached list, matching a question, the answer text
    power_import.py the list from YAML or XLSX (every bad row reported, nothing half-imported)
    flowchart.py    a power's steps as an SVG flowchart
    disclosures.py  村务、财务公开: periods, uploads, latest per village, who is late
    archive.py      公示 archive: every announcement sent to groups, subsidy 公示 lists (masked)
    outcomes.py     查处结果公开: propose, review and publish a closed case's outcome
    topics.py       群众点题: rounds, one vote per villager per round, results per township

The chat flow is handlers/publicity.py, the mini-program reads bot/api/publication.py, the panel
admin/views_publication*.py. The late-disclosure clue is a comparison rule (handlers/compare/disclosure_late.py).
"""
