"""Conversation flows. `routers()` gives them in the order the dispatcher tries them:
global keywords first (取消, 帮助 work at any step), then flows, then free text."""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from bot.dispatch import Reply, Router


def routers() -> list[Router]:
    from handlers.cancel import cancel_router
    from handlers.complaint_detect import complaint_router
    from handlers.follow import follow_router
    from handlers.followup import followup_router
    from handlers.group import group_router
    from handlers.help import help_router
    from handlers.myreports import myreports_router
    from handlers.publicity import publicity_router
    from handlers.rating import notice_router, rating_router
    from handlers.report import report_router
    from handlers.report_details import details_router
    from handlers.shared_items import shared_router
    from handlers.staff import staff_router
    from handlers.subsidy import subsidy_router
    from handlers.subsidy_dispute import dispute_router
    from handlers.supplement import supplement_router

    # cancel first (any step); follow and scan events; publication's keywords always work, and its group answers
    # (outcomes, power questions) come before the group's catch-all; groups next (nothing personal handled
    # there); the answer to a notice's question (办结: 请您评价) before the flows, its question being newer than
    # theirs; locations, links and cards after the flows' own handlers; free text last.
    return [cancel_router, follow_router, publicity_router, group_router, help_router, notice_router, dispute_router,
            subsidy_router, staff_router, report_router, details_router, shared_router, followup_router,
            supplement_router, rating_router, myreports_router, complaint_router]


def fallback() -> Callable[..., Awaitable[Reply]]:
    from handlers.help import fallback as fb

    async def call(**ctx: Any) -> Reply:
        from handlers import report_again
        from handlers.lost_drafts import LOST, lost_for
        from handlers.report import plain
        from handlers.subsidies.texts import LISTED_HINT
        from handlers.subsidy import SubsidyFlow

        msg, state = ctx["msg"], ctx["state"]
        if msg.kind == "text" and not msg.in_group and state.current is None:
            repeated = await report_again.again(ctx["services"], state.subject, plain(msg.content))
            if repeated is not None:  # the filing's answer never reached the villager: shown again, not filed again
                return repeated
        if (msg.kind in ("text", "voice") and not msg.in_group and state.current is None
                and await lost_for(state.subject, state.ttl)):
            return Reply.text(LOST)  # Redis lost the report being written: say so, not "没太明白"
        if msg.kind in ("text", "voice") and not msg.in_group and state.current == SubsidyFlow.listed.id:

            return Reply.text(LISTED_HINT)  # under the 查补贴 list: what can be done with it
        return await fb(msg)

    return call
