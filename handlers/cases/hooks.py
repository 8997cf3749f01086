"""Installs the lifecycle into filing and transitions, in the order the steps depend on each other.

    after filing:      deadlines (accept_due) → linking → notify the office (mentions the link)
    after transition:  deadlines (resolve_due) → cross-review (may reopen: runs these hooks again)
                       → notify reporter and offices
"""
from __future__ import annotations

from handlers.cases import deadlines, linking, notify, review
from handlers.cases.filing import AFTER_FILED
from handlers.cases.transitions import AFTER_TRANSITION

FILED = [deadlines.on_filed, linking.on_filed, notify.on_filed]
TRANSITION = [deadlines.on_transition, review.on_transition, notify.on_transition]


def install() -> None:
    """Idempotent: importing handlers.cases calls it once per process."""
    for target, hooks in ((AFTER_FILED, FILED), (AFTER_TRANSITION, TRANSITION)):
        for hook in hooks:
            if hook not in target:
                target.append(hook)
