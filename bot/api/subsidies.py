"""惠民资金查询 from the mini-program: the chat's lookup, with its limits and audit.

    POST /api/v1/subsidies/lookup   {"id_number", "name"}      -> records, each with a one-use dispute_token
    POST /api/v1/subsidies/dispute  {"token", "kind", "anonymous", "received"}   我没收到 / 金额不对 on one record:
         filed through handlers.subsidies.actions.file_dispute, the chat's own filing (the record attached)
    GET  /api/v1/subsidies/lookups  谁查过我: when the records found by this session's last lookup were looked up

The ID number and name travel in the body only (never a URL or a log line).
handlers.subsidies.lookup does the checksum, the matching, the masking, the
limits and the audit; this module only shapes its answer as JSON. "No records"
and "name does not match" are the same 200 answer, as in the chat.
"""
from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from bot.api.errors import fail
from bot.api.routing import ApiRoutes, Call, In
from bot.api.session import CHANNEL
from storage import keys

routes = ApiRoutes("subsidies")
DISPUTE_TOKEN_TTL_S = 3600
LOOKUPS_TTL_S = 30 * 60


class SubsidyIn(In):
    id_number: str = Field(min_length=1, max_length=32, description="18 位身份证号")
    name: str = Field(min_length=1, max_length=32, description="与身份证一致的姓名")


class RecordOut(BaseModel):
    no: int
    program: str
    amount: str = Field(description="元,两位小数")
    paid_on: str
    village: str
    dispute_token: str = Field(description="反映这条记录没收到或金额不对时用(POST /subsidies/dispute),"
                                           "一小时内、本次登录有效,只能用一次")


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
    result = await run(body.id_number, body.name, channel=CHANNEL, actor=f"{CHANNEL}:{call.account}",
                       services=call.services)
    if result.outcome is Outcome.INVALID_ID:
        raise fail("invalid_id_number", result.message())
    if result.outcome is Outcome.INVALID_NAME:
        raise fail("invalid_name", result.message())
    if result.outcome is Outcome.LIMITED:
        raise fail("rate_limited", result.message(), headers={"Retry-After": str(result.wait_minutes * 60)})
    if result.outcome is Outcome.FOUND:  # 谁查过我 asks about this ID, in this session only (as the chat's flow)
        key = keys.api_lookups(call.me.subject)
        await call.services.redis.set(key, call.services.cipher.seal(result.id_hash, aad=key),
                                      ex=LOOKUPS_TTL_S)
    data = result.as_dict()
    return SubsidyOut(outcome=data["outcome"], message=data["message"], name=data["name"],
                      id_number=data["id_number"],
                      records=[RecordOut(**{k: r[k] for k in RecordOut.model_fields if k != "dispute_token"},
                                         dispute_token=await _dispute_token(call, r["record_id"]))
                               for r in data["records"]],
                      totals=[YearTotal(**t) for t in data["totals"]])


def _token_key(call: Call, token: str) -> str:
    return keys.api_dispute(call.own_token(token))


async def _dispute_token(call: Call, record_id: int) -> str:
    """The record, named to the caller by a token only: no record id leaves the server, and a token works for
    the account that looked the record up (it proved the ID number and name), once, within the hour."""
    token = secrets.token_urlsafe(18)
    sealed = call.services.cipher.seal(json.dumps({"record": record_id}), aad=_token_key(call, token))
    await call.services.redis.set(_token_key(call, token), sealed, ex=DISPUTE_TOKEN_TTL_S)
    return token


class DisputeIn(In):
    token: str = Field(min_length=1, max_length=64, description="查询结果中这条记录的 dispute_token")
    kind: Literal["not_received", "wrong_amount"] = Field(description="not_received 没收到 | wrong_amount 金额不对")
    anonymous: bool = Field(description="true 匿名(不留身份,凭回执码查进度) | false 实名")
    received: str = Field(default="", max_length=20,
                          description="实际收到的金额(元,如 \"800\");\"0\" 一分没收到;空 = 不清楚")


class DisputeOut(BaseModel):
    case_number: str
    receipt: str = Field(description="16 位回执码,只返回这一次")
    office: str = Field(description="办理单位")
    anonymous: bool
    message: str


@routes.post("/subsidies/dispute", body=DisputeIn, response=DisputeOut, bucket="subsidy",
             errors=("dispute_token_invalid", "invalid_amount"), summary="反映一条发放记录没收到或金额不对")
async def dispute(call: Call, body: DisputeIn) -> DisputeOut:
    from handlers.cases.numbers import format_receipt
    from handlers.cases.queries import office_title
    from handlers.subsidies.actions import file_dispute, received_answer

    received = received_answer(body.received) if body.received.strip() else ""
    if received is None:
        raise fail("invalid_amount")
    key = _token_key(call, body.token)
    raw = await call.services.redis.getdel(key)  # one use: a second tap files nothing more
    if not raw:
        raise fail("dispute_token_invalid")
    record_id = int(json.loads(call.services.cipher.open(raw.decode(), aad=key))["record"])
    filed = await file_dispute(record_id, body.kind, channel=CHANNEL, openid=call.me.openid,
                               services=call.services, anonymous=body.anonymous, received=received)
    number = filed.case.number or ""
    return DisputeOut(case_number=number, receipt=format_receipt(filed.receipt),
                      office=await office_title(filed.case.office), anonymous=body.anonymous,
                      message=f"已登记,案件编号 {number}。回执码只显示这一次,请保存好,凭它查询办理进度。")


class LookupOut(BaseModel):
    at: datetime
    by_staff: bool = Field(description="true:工作人员在工作台核查(不显示是谁)")
    by: str = Field(description="哪个单位或渠道查的,如“南坝镇纪委工作人员核查”“通过公众号查询”(从不显示是谁)")


class LookupsOut(BaseModel):
    lookups: list[LookupOut] = Field(description="最新的在前,含本人这次查询")
    message: str


@routes.get("/subsidies/lookups", response=LookupsOut, errors=("lookup_first",), summary="谁查过我:本人记录被查询的时间")
async def lookups(call: Call) -> LookupsOut:
    from handlers.subsidies.lookup import lookups_by

    key = keys.api_lookups(call.me.subject)
    raw = await call.services.redis.get(key)
    try:
        id_hash = call.services.cipher.open(raw.decode(), aad=key) if raw else ""
    except Exception:  # a key no longer configured: as if never looked up
        id_hash = ""
    if not id_hash:
        raise fail("lookup_first")
    entries = await lookups_by(id_hash, await call.services.registry())
    others = len(entries) > 1
    return LookupsOut(lookups=[LookupOut(at=e.at, by_staff=e.by_staff, by=e.by) for e in entries],
                      message=LOOKED_BY_OTHERS if others else NOBODY_ELSE)


LOOKED_BY_OTHERS = "以下是您的补贴记录被查询的时间。如果有不是您本人的查询,说明有人知道了您的身份证号和姓名,请留意。"
NOBODY_ELSE = "除了您这次查询,没有别人查过您的补贴记录。"
