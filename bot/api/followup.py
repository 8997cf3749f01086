"""Following up: my 实名 reports, one of them by number, any case by its receipt, and rating.

    GET  /api/v1/reports                    my reports (实名, this mini-program account)
    GET  /api/v1/reports/{number}           one of them
    POST /api/v1/reports/{number}/rating    {"satisfied", "reason"?}
    POST /api/v1/receipts/lookup            {"receipt"}                    anonymous follow-up
    POST /api/v1/receipts/rating            {"receipt", "satisfied", "reason"?}

The receipt travels in the body, never in a URL. A wrong number or receipt gets
the same answer whether or not such a case exists. Everything goes through
handlers.cases.queries, as the chat does, so both show the same case the same way.
"""
from __future__ import annotations

from pydantic import BaseModel, Field

from bot.api.errors import fail
from bot.api.routing import ApiRoutes, Call, In
from bot.api.session import CHANNEL
from bot.api.views import CaseOut, case_out
from storage.models import Case

routes = ApiRoutes("followup")


def is_number(text: str) -> bool:
    from handlers.cases.numbers import CASE_NUMBER_RE

    return bool(CASE_NUMBER_RE.fullmatch(text.strip()))
MY_REPORTS_MAX = 50


class MyReportsOut(BaseModel):
    reports: list[CaseOut]


class ReceiptIn(In):
    receipt: str = Field(min_length=1, max_length=40, description="16 位查询码,可带空格")


class RatingIn(In):
    satisfied: bool
    reason: str = Field(default="", max_length=500, description="不满意时请说明原因")


class ReceiptRatingIn(RatingIn):
    receipt: str = Field(min_length=1, max_length=40)


async def _own(call: Call, number: str) -> Case:
    from handlers.cases.queries import find_for_reporter

    case = await find_for_reporter(number, CHANNEL, call.me.openid, call.services.cipher) if is_number(number) else None
    if case is None:
        raise fail("case_not_found")
    return case


async def _by_receipt(call: Call, receipt: str) -> Case:
    from handlers.cases.queries import find_by_receipt

    case = await find_by_receipt(receipt, call.services.cipher)
    if case is None:
        raise fail("receipt_not_found")
    return case


async def _rate(call: Call, case: Case, body: RatingIn) -> CaseOut:
    from handlers.cases.queries import rate
    from handlers.cases.transitions import IllegalTransition

    try:
        case = await rate(case.id, body.satisfied, body.reason, "reporter", call.services)
    except IllegalTransition:
        raise fail("cannot_rate") from None
    return await case_out(case)


@routes.get("/reports", response=MyReportsOut, summary="我的实名反映")
async def mine(call: Call) -> MyReportsOut:
    from handlers.cases.queries import list_for_reporter

    cases = await list_for_reporter(CHANNEL, call.me.openid, call.services.cipher)
    return MyReportsOut(reports=[await case_out(c) for c in cases[:MY_REPORTS_MAX]])


@routes.get("/reports/{number}", response=CaseOut, errors=("case_not_found",), summary="按编号查询本人反映的进度")
async def one(call: Call, number: str) -> CaseOut:
    return await case_out(await _own(call, number))


@routes.post("/reports/{number}/rating", body=RatingIn, response=CaseOut, errors=("case_not_found", "cannot_rate"),
             summary="评价本人的反映")
async def rate_own(call: Call, number: str, body: RatingIn) -> CaseOut:
    return await _rate(call, await _own(call, number), body)


@routes.post("/receipts/lookup", body=ReceiptIn, response=CaseOut, bucket="receipt", errors=("receipt_not_found",),
             summary="凭查询码查询进度")
async def by_receipt(call: Call, body: ReceiptIn) -> CaseOut:
    return await case_out(await _by_receipt(call, body.receipt))


@routes.post("/receipts/rating", body=ReceiptRatingIn, response=CaseOut, bucket="receipt",
             errors=("receipt_not_found", "cannot_rate"), summary="凭查询码评价")
async def rate_by_receipt(call: Call, body: ReceiptRatingIn) -> CaseOut:
    return await _rate(call, await _by_receipt(call, body.receipt), body)
