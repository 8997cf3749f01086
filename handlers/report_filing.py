"""The end of the report flow: file the draft, then fetch its photos and voices from WeChat.

Media are downloaded after the case is committed, in the background (the passive
reply must leave within WeChat's 5 s). A download that fails leaves a non-public
event with the MediaId, so nothing the villager sent is lost without a trace.
"""
from __future__ import annotations

import logging
from typing import Any, Coroutine

from bot.dispatch import Inbound
from bot.dispatch.state import ConversationState
from bot.services import Services
from handlers.cases.filing import Filed, ReportDraft, file_report
from handlers.cases.transitions import record
from storage.attachments import AttachmentRejected, save_attachment

log = logging.getLogger("qingfeng.report")


def draft_from(data: dict[str, Any], msg: Inbound, *, anonymous: bool, name: str | None = None,
               phone: str | None = None, receipt: str | None = None) -> ReportDraft:
    return ReportDraft(
        channel=msg.channel, text="\n".join(data.get("parts", [])), category=data["category"],
        township=data.get("township", ""), village=data.get("village", ""), level=data.get("level", "unknown"),
        confidence=float(data.get("confidence", 0.0)), keywords=list(data.get("keywords", [])),
        exclude_township=bool(data.get("exclude", False)), anonymous=anonymous,
        openid=None if anonymous else msg.sender, name=None if anonymous else name,
        phone=None if anonymous else phone, sender=msg.sender, answers=dict(data.get("answers") or {}),
        draft_id=data.get("draft_id"), receipt=receipt,
        source_ref={"follows": data["follows"]} if data.get("follows") else None,  # 续报: the case it follows up
    )


async def file_with_media(draft: ReportDraft, media: list[dict[str, str]], services: Services) -> Filed:
    filed = await file_report(draft, services)
    if media and filed.accepted and not filed.again:
        services.spawn(fetch_media(filed.case.id, draft.channel, media, services))
    return filed


async def fetch_media(case_id: int, channel: str, media: list[dict[str, str]], services: Services) -> None:
    """Each file as WeChat serves it; a recognised voice keeps its recognition beside the sound."""
    for ref in media:
        try:
            if channel != "mp":
                raise RuntimeError(f"no media download for channel {channel}")
            data, content_type = await services.mp.get_media(ref["media_id"])
            await save_attachment(case_id, data, content_type, ref["kind"], services, transcript=ref.get("transcript"))
        except AttachmentRejected as rej:
            log.warning("case %s: %s attachment refused: %s", case_id, ref["kind"], rej.reason_admin)
            await record(case_id, "attachment_refused", actor="system", reason=rej.reason_admin,
                         data={"kind": ref["kind"]})
        except Exception as exc:  # kept as a reference: staff or a worker can fetch it within WeChat's 3 days
            log.warning("case %s: %s attachment not downloaded: %s", case_id, ref["kind"], type(exc).__name__)
            await record(case_id, "attachment_pending", actor="system", reason=type(exc).__name__,
                         data={"kind": ref["kind"], "media_id": ref["media_id"], "channel": channel})


async def clear_after_commit(state: ConversationState, also: Coroutine[Any, Any, None] | None = None) -> None:
    """After the commit: a failure above leaves the flow where it was, nothing lost. Redis failing
    here must not cost the villager the receipt: the draft stays, and filing it again finds the case."""
    try:
        await state.clear()
        if also is not None:
            await also
            also = None
    except Exception as exc:
        if also is not None:
            also.close()
        log.warning("filed, but the conversation not cleared: %s", type(exc).__name__)
