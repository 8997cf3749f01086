"""Two-way follow-up from the mini-program: the office's questions, the reporter's answers and additions.

    POST /api/v1/receipts/supplement       {"receipt", "text"?, "question"?}   anyone holding the receipt
    POST /api/v1/reports/{number}/supplement  {"text"?, "question"?}          a 实名 reporter's own case
        -> {"case", "answered", "upload_token", "upload_expires_in", "message"}

The questions waiting are in every case answer (CaseOut.questions, from /receipts/lookup and /reports/{number}).
`question` answers that question (else the text is a supplement); photos, voices and videos go to
POST /api/v1/attachments with the returned upload_token, each one an event on the timeline. The receipt
travels in the body only; everything goes through handlers.cases.questions, as the chat does.
"""
from __future__ import annotations

from pydantic import BaseModel, Field

from bot.api.errors import fail
from bot.api.followup import _by_receipt, _own
from bot.api.routing import ApiRoutes, Call, In
from bot.api.session import CHANNEL
from bot.api.views import CaseOut, case_out
from storage.models import Case

routes = ApiRoutes("followup")
SUPPLEMENT_PURPOSE = "supplement"  # the upload token's purpose: its files are events too
ANSWERED = "已收到您的回答,已转给办理单位。"
ADDED = "已收到您补充的情况,已转给办理单位。"
READY = "请上传要补充的照片、语音或视频。"
CLOSED = "这件反映已经办结或不在办理中,不能再补充。"


class SupplementIn(In):
    text: str = Field(default="", max_length=1000, description="回答或补充的内容;只上传附件时可不填")
    question: int | None = Field(default=None, description="要回答的问题(CaseOut.questions[].id);不填即为补充情况")


class ReceiptSupplementIn(SupplementIn):
    receipt: str = Field(min_length=1, max_length=40, description="16 位查询码,可带空格")


class SupplementOut(BaseModel):
    case: CaseOut
    answered: bool = Field(description="true:回答了办理单位的问题")
    upload_token: str = Field(description="补充附件用(POST /attachments 的 X-Upload-Token 头),限时有效")
    upload_expires_in: int
    message: str


async def _supplement(call: Call, case: Case, body: SupplementIn) -> SupplementOut:
    from bot.api.reports import new_upload_token
    from handlers.cases.questions import CannotAdd, answer, open_questions, supplement

    require_open(case)
    text = body.text.strip()
    answered = False
    try:
        if body.question is not None:
            if body.question not in {q.id for q in await open_questions(case)}:
                raise fail("question_not_open")
            if not text:
                raise fail("invalid_request", "请填写回答的内容:text")
            await answer(case, text, channel=CHANNEL, services=call.services, question_id=body.question)
            answered = True
        elif text:
            await supplement(case, text, channel=CHANNEL, services=call.services)
    except CannotAdd:
        raise fail("case_closed", CLOSED) from None
    token = await new_upload_token(case.id, call, purpose=SUPPLEMENT_PURPOSE)
    return SupplementOut(case=await case_out(await Case.get(id=case.id)), answered=answered, upload_token=token,
                         upload_expires_in=call.config.upload_ttl_s,
                         message=ANSWERED if answered else ADDED if text else READY)


@routes.post("/receipts/supplement", body=ReceiptSupplementIn, response=SupplementOut, bucket="receipt",
             errors=("receipt_not_found", "case_closed", "question_not_open"), summary="凭查询码回答问题或补充情况")
async def supplement_by_receipt(call: Call, body: ReceiptSupplementIn) -> SupplementOut:
    return await _supplement(call, await _by_receipt(call, body.receipt), body)


@routes.post("/reports/{number}/supplement", body=SupplementIn, response=SupplementOut,
             errors=("case_not_found", "case_closed", "question_not_open"), summary="回答问题或补充本人反映的情况")
async def supplement_own(call: Call, number: str, body: SupplementIn) -> SupplementOut:
    return await _supplement(call, await _own(call, number), body)


def require_open(case: Case | None) -> None:
    """Answers, additions and their files only while the case is open (handlers.cases.questions.may_add)."""
    from handlers.cases.questions import may_add

    if case is None or not may_add(case):
        raise fail("case_closed", CLOSED)


async def check_open(case_id: int) -> None:
    """An upload token for a supplement is refused once the case has closed."""
    require_open(await Case.get_or_none(id=case_id))


async def attached(case_id: int, kind: str, call: Call) -> None:
    """A file added after filing: an event, the office told (its text, if any, came with the token)."""
    from handlers.cases.questions import CannotAdd, supplement

    try:
        await supplement(await Case.get(id=case_id), channel=CHANNEL, services=call.services, media=kind)
    except CannotAdd:  # closed between the check and now: the file is kept, the event is not needed
        pass
