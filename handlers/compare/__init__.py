"""Data comparison (大数据比对): rules over the imported data raise suspected-problem clues.

    RULES            every rule, in the order they run (one module each, one SQL query each)
    run_all(services) -> RunSummary     run them all; each new finding becomes a clue
    explain(finding_id, reason, actor=, services=)   staff close a finding for good
"""
from __future__ import annotations

from handlers.compare import (after_death, dibao_assets, disclosure_late, duplicate, favoritism, multi_village,
                              over_standard)
from handlers.compare.rule import Hit, Rule

RULES: tuple[Rule, ...] = (
    duplicate.RULE, multi_village.RULE, after_death.RULE, favoritism.RULE, over_standard.RULE, dibao_assets.RULE,
    disclosure_late.RULE,
)
RULES_BY_NAME: dict[str, Rule] = {r.name: r for r in RULES}

from handlers.compare.runner import RunSummary, explain, run_all  # noqa: E402

__all__ = ["RULES", "RULES_BY_NAME", "Hit", "Rule", "RunSummary", "explain", "run_all"]
