"""A report in progress that Redis lost is told plainly, not met with "没太明白".

The conversation lives in Redis; the database keeps only that a draft was opened (its id and the
sender's keyed hash, `storage.models.drafts.OpenDraft`) until it is filed or cancelled. A sender with
no conversation whose message nothing understood, and an open draft younger than the conversation's
idle time, lost the conversation with Redis: they are told the report was not filed and how to start again.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from storage.china_time import utcnow

log = logging.getLogger("qingfeng.drafts")

LOST = "刚才的举报还没有提交成功，请重新发送【举报】"


async def opened(draft_id: str, subject: str) -> None:
    from storage.models.drafts import OpenDraft

    try:
        await OpenDraft.create(draft_id=draft_id, subject_hash=subject)
    except Exception as exc:  # the report can still go on: only the "lost" notice would be missing
        log.warning("open draft not recorded: %s", type(exc).__name__)


async def closed(draft_id: str | None, conn: object = None) -> None:
    from storage.models.drafts import OpenDraft

    if draft_id:
        await OpenDraft.filter(draft_id=draft_id).using_db(conn).delete()  # type: ignore[arg-type]


async def lost_for(subject: str, idle_s: int) -> bool:
    """Whether `subject` had a draft open within the idle time (and forget it: told once)."""
    from storage.models.drafts import OpenDraft

    recent = OpenDraft.filter(subject_hash=subject, started_at__gte=utcnow() - timedelta(seconds=idle_s))
    if not await recent.exists():
        return False
    await OpenDraft.filter(subject_hash=subject).delete()
    return True


async def forget_old(older_than_s: int = 86_400) -> int:
    from storage.models.drafts import OpenDraft

    return await OpenDraft.filter(started_at__lt=utcnow() - timedelta(seconds=older_than_s)).delete()
