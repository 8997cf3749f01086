"""惠民资金查询 from the mini-program: the chat's lookup, with its limits and audit.

    POST /api/v1/subsidies/lookup   {"id_number", "name"}

The ID number and name travel in the body only (never a URL or a log line).
handlers.subsidies.lookup does the checksum, the matching, the masking, the
limits and the audit; this module only shapes its answer as JSON. "No records"
and "name does not match" are the same 200 answer, as in the chat.
"""
from __future__ import annotations

from pydantic import BaseModel, Field

from bot.api.errors import fail
from bot.api.routing import ApiRoutes, Call, In
from bot.api.session import CHANNEL

routes = ApiRoutes("subsidies")


class SubsidyIn(In):
    id_number: str = Field(min_length=1, max_length=32, description="18 位身份证号")
    name: str = Field(min_length=1, max_length=32, description="与身份证一致的姓名")


class RecordOut(BaseModel):
    no: int
    program: str
    amount: str = Field(description="元,两位小数")
    paid_on: str
    village: str


class YearTotal(BaseModel):
    year: int
    amount: str


class SubsidyOut(BaseModel):
    outcome: str = Field(description="found | none(没有记录,或姓名与身份证号不符:两者不作区分)")
    message: str
    name: str = Field(description="脱敏后的姓名")
    id_number: str = Field(description="脱敏后的身份证号")
    records: list[RecordOut]
    totals: list[YearTotal]


@routes.post("/subsidies/lookup", body=SubsidyIn, response=SubsidyOut, bucket="subsidy",
             errors=("invalid_id_number", "invalid_name"), summary="查询本人的惠民资金发放记录")
async def lookup(call: Call, body: SubsidyIn) -> SubsidyOut:
    from handlers.subsidies.lookup import Outcome
    from handlers.subsidies.lookup import lookup as run

    # The lookup limits per sender: a keyed hash of the account, the same across sessions.
    subject = call.services.cipher.subject_hash(CHANNEL, call.me.openid)
    result = await run(body.id_number, body.name, channel=CHANNEL, actor=f"{CHANNEL}:{subject}",
                       services=call.services)
    if result.outcome is Outcome.INVALID_ID:
        raise fail("invalid_id_number", result.message())
    if result.outcome is Outcome.INVALID_NAME:
        raise fail("invalid_name", result.message())
    if result.outcome is Outcome.LIMITED:
        raise fail("rate_limited", result.message(), headers={"Retry-After": str(result.wait_minutes * 60)})
    data = result.as_dict()
    return SubsidyOut(outcome=data["outcome"], message=data["message"], name=data["name"],
                      id_number=data["id_number"], records=[RecordOut(**{k: r[k] for k in RecordOut.model_fields})
                                                            for r in data["records"]],
                      totals=[YearTotal(**t) for t in data["totals"]])
