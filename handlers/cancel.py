"""取消: leave whatever flow is in progress, keeping nothing it collected.

    (any state) --取消/退出/算了/不举报了--> state cleared --> "已取消"
    (no flow)   --取消--> "现在没有要取消的操作"
"""
from __future__ import annotations

from bot.dispatch import Flow, Keyword, Reply, on_text
from bot.dispatch.state import ConversationState
from handlers import vocabulary

CANCELLED = "已取消,刚才填的内容都没有保存。需要时回复【举报】或【帮助】重新开始。"
NOTHING = "现在没有要取消的操作。回复【帮助】查看可以做什么。"


async def cancel(state: ConversationState) -> Reply:
    if state.current is None:
        return Reply.text(NOTHING)
    from handlers.lost_drafts import closed

    await closed(state.data.get("draft_id"))
    await state.clear()
    return Reply.text(CANCELLED)


FLOW = Flow(
    "cancel",
    entry_points=[on_text(cancel, Keyword(*vocabulary.CANCEL))],  # first of all routers: works in any state
    states={},
    fallbacks=[],
    exits=(),
    timeout=None,
)
cancel_router = FLOW.router()
