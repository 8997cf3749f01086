"""Filing a report from the mini-program, after offering similar open cases of the same village.

    POST /api/v1/reports         {"text", "category"?, "township"?, "village"?, "anonymous", "name"?, "phone"?,
                                  "answers"?, "ignore_similar"?, "follows"?}   answers: {question id: text} (GET /categories)
        -> {"filed": false, "similar_found": true, "follow_token"}   a similar open case exists: 附议 it with
                                     the token, or send again with ignore_similar (nothing else about it is told)
        -> {"filed": true, "case_number", "receipt", "upload_token", ...}   the receipt is shown this once
    POST /api/v1/reports/follow  {"token"} or {"number"}   附议 an open case instead of filing (raises its priority)

Category and place come from the pickers or, when left out, from nlp.analyze; the
rest is handlers.cases.filing.file_report, as in the chat (channel "miniapp").
"""
from __future__ import annotations

import re
import secrets

from pydantic import BaseModel, Field

from bot.api.errors import fail
from bot.api.routing import ApiRoutes, Call, In, token_hash
from bot.api.session import CHANNEL
from bot.api.views import PublicCase, public_case
from nlp.text import visible_length
from storage import keys
from storage.models import OPEN_STATUSES, Case

routes = ApiRoutes("reports")

SIMILAR_CANDIDATES = 50  # newest open cases of the village and category that are compared
FOLLOW_TTL_S = 180 * 24 * 3600
_PHONE = re.compile(r"1[3-9]\d{9}")
OTHER_TEXT = "您反映的问题不属于纪检监察机关受理范围,已记录。建议拨打 12345 政务服务热线或向有关部门反映。"
FILED_TEXT = "已收到您的反映,编号 {number}。请记下查询码,凭它查询办理进度,查询码只显示这一次。"


class ReportIn(In):
    text: str = Field(min_length=5, max_length=2000, description="反映的内容")
    category: str | None = Field(default=None, max_length=32, description="类别 id(见 /categories);不填由系统判断")
    township: str | None = Field(default=None, max_length=16, description="乡镇代码;不填由系统从内容判断")
    village: str | None = Field(default=None, max_length=16, description="村代码")
    anonymous: bool = Field(default=True, description="true 匿名:不保存任何身份信息(姓名、电话会被忽略)")
    name: str | None = Field(default=None, max_length=32, description="实名反映时必填")
    phone: str | None = Field(default=None, max_length=20, description="实名反映时可填,11 位手机号")
    answers: dict[str, str] | None = Field(
        default=None, description="类别的补充问题的回答({问题 id: 回答},问题见 /categories 的 questions,都可不答)")
    ignore_similar: bool = Field(default=False, description="已看过相似的反映,仍要单独提交")
    follows: str | None = Field(default=None, max_length=20,
                                description="续报:第一次反映的案件编号(QF开头),回执码丢失时用;办理单位会合并查看")


class ReportOut(BaseModel):
    filed: bool
    similar: list[PublicCase] = Field(default_factory=list, description="总是空:相似的反映属于别人,不公开")
    similar_found: bool = Field(default=False, description="同村已有相似的反映正在办理")
    follow_token: str | None = Field(default=None, description="附议那件相似反映用(POST /reports/follow),限时有效")
    case_number: str | None = None
    receipt: str | None = Field(default=None, description="16 位查询码,只返回这一次")
    accepted: bool | None = Field(default=None, description="false:不属受理范围")
    status: str | None = None
    status_text: str | None = None
    category: str | None = None
    category_name: str | None = None
    office: str | None = None
    message: str = ""
    upload_token: str | None = Field(default=None, description="上传附件用(X-Upload-Token 头),限时有效")
    upload_expires_in: int | None = None


class FollowIn(In):
    number: str | None = Field(default=None, min_length=1, max_length=20, description="要附议的反映编号")
    token: str | None = Field(default=None, min_length=1, max_length=64, description="提交时返回的 follow_token")


class FollowOut(BaseModel):
    case: PublicCase | None = Field(default=None, description="按编号附议时返回;按 follow_token 附议时不返回")
    message: str


def normalize_phone(raw: str) -> str:
    digits = re.sub(r"[\s\-()]", "", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not _PHONE.fullmatch(digits):
        raise fail("invalid_phone")
    return digits


def _named_village(text: str, township: str, registry: object) -> str:
    """A village named in the text that the chosen township makes unambiguous (two 石桥村 → the one there)."""
    villages = getattr(registry, "villages")
    hits = {code for name, codes in getattr(registry, "village_names").items() if name in text
            for code in codes if villages[code].township == township}
    return hits.pop() if len(hits) == 1 else ""


def _place(body: ReportIn, registry: object, analysis: object) -> tuple[str, str]:
    townships = getattr(registry, "townships")
    villages = getattr(registry, "villages")
    if body.village:
        village = villages.get(body.village)
        if village is None or (body.township and village.township != body.township):
            raise fail("unknown_place")
        return village.township, village.code
    if body.township:
        if body.township not in townships:
            raise fail("unknown_place")
        found = getattr(analysis, "village")
        if found and villages[found].township == body.township:
            return body.township, found
        return body.township, _named_village(body.text, body.township, registry)
    return getattr(analysis, "township"), getattr(analysis, "village")


def _answers(given: dict[str, str] | None) -> dict[str, str]:
    """The answers kept: known question ids only, each cut to what the chat keeps; empty ones dropped."""
    from nlp.categories import MAX_ANSWER, QUESTIONS

    unknown = sorted(set(given or {}) - set(QUESTIONS))
    if unknown:
        raise fail("invalid_request", f"请求内容不正确:answers 中没有这个问题 {unknown[0][:32]}")
    return {k: v.strip()[:MAX_ANSWER] for k, v in (given or {}).items() if v and v.strip()}


async def _similar_offer(call: Call, text: str, category: str, village: str) -> ReportOut | None:
    """Issue 20 item 8: the caller learns that a similar open case exists, nothing about it (no number,
    place, status or office); a token lets them 附议 it. Rate-limited per session, and audited."""
    from bot.api.limits import check_similar
    from storage import audit

    from handlers.cases.linking import similar_open

    await check_similar(call.me, call.services, call.config)
    similar = await similar_open(text, category, village, channel=CHANNEL, sender=call.me.openid,
                                 services=call.services, limit=SIMILAR_CANDIDATES)
    await audit.append(f"miniapp:{call.me.subject[:16]}", "reports.similar_check",
                       f"case:{similar[0].id}" if similar else "", {"found": bool(similar), "village": village})
    if not similar:
        return None
    token = secrets.token_urlsafe(24)
    key = keys.api_similar(call.own_token(token))
    await call.services.redis.set(key, str(similar[0].id), ex=call.config.upload_ttl_s)
    return ReportOut(filed=False, similar_found=True, follow_token=token,
                     message="同村已有相似的反映正在办理,您可以附议(办理单位会一并处理),也可以仍然单独提交。")


async def new_upload_token(case_id: int, call: Call, purpose: str = "") -> str:
    """`purpose` "supplement": files added after filing, each one an event (bot.api.supplements)."""
    token = secrets.token_urlsafe(24)
    key = keys.api_upload(token_hash(token))
    await call.services.redis.set(key, f"{case_id}:{purpose}" if purpose else str(case_id), ex=call.config.upload_ttl_s)
    return token


@routes.post("/reports", body=ReportIn, response=ReportOut,
             errors=("unknown_place", "unknown_category", "invalid_phone", "name_required", "text_too_short"),
             summary="提交反映")
async def create(call: Call, body: ReportIn) -> ReportOut:
    from handlers.cases.filing import ReportDraft, file_report
    from handlers.cases.queries import STATUS_TEXT, office_title
    from handlers.cases.numbers import format_receipt
    from nlp import CATEGORY_IDS, CATEGORY_NAMES, analyze

    text = body.text.strip()
    if visible_length(text) < 5:  # zero-width or direction-override characters alone are no report
        raise fail("text_too_short")
    if body.category is not None and body.category not in CATEGORY_IDS:
        raise fail("unknown_category")
    answers = _answers(body.answers)
    name = phone = None
    if not body.anonymous:  # 匿名: whatever was typed in these fields is dropped, never stored
        name = (body.name or "").strip() or None
        if name is None:
            raise fail("name_required")
        phone = normalize_phone(body.phone) if body.phone and body.phone.strip() else None
    follows = None
    if body.follows is not None and body.follows.strip():
        from bot.api.followup import is_number

        if not is_number(body.follows):
            raise fail("invalid_request", "请求内容不正确:follows(案件编号以 QF 开头)")
        follows = body.follows.strip().upper()
    registry = await call.services.registry()
    analysis = analyze(text, registry, group_village=body.village or None)
    township, village = _place(body, registry, analysis)
    category = body.category or analysis.category
    if not body.ignore_similar:
        offer = await _similar_offer(call, text, category, village)
        if offer is not None:
            return offer
    draft = ReportDraft(
        channel=CHANNEL, text=text, category=category, township=township, village=village,
        level=analysis.level, confidence=1.0 if body.category else analysis.confidence,
        keywords=list(analysis.keywords), exclude_township=analysis.exclude_township,
        anonymous=body.anonymous, openid=None if body.anonymous else call.me.openid, name=name, phone=phone,
        sender=call.me.openid,
        source_ref={"follows": follows} if follows else None,
        answers=answers,
    )
    filed = await file_report(draft, call.services)
    case = filed.case
    return ReportOut(
        filed=True, case_number=case.number, receipt=format_receipt(filed.receipt), accepted=filed.accepted,
        status=str(case.status), status_text=STATUS_TEXT.get(case.status, ""), category=case.category,
        category_name=CATEGORY_NAMES.get(case.category, case.category), office=await office_title(case.office),
        message=FILED_TEXT.format(number=case.number) if filed.accepted else OTHER_TEXT,
        upload_token=await new_upload_token(case.id, call), upload_expires_in=call.config.upload_ttl_s,
    )


@routes.post("/reports/follow", body=FollowIn, response=FollowOut, bucket="follow",
             errors=("case_not_found", "case_closed", "already_followed", "own_report"), summary="附议一件相似的反映")
async def follow(call: Call, body: FollowIn) -> FollowOut:
    from handlers.cases.linking import filed_by, support

    from bot.api.followup import is_number

    by_token = body.token is not None
    if by_token == (body.number is not None):
        raise fail("invalid_request", "请求内容不正确:number 或 token 二选一")
    if by_token:
        key = keys.api_similar(call.own_token(body.token))
        raw = await call.services.redis.get(key)
        case = await Case.get_or_none(id=int(raw)) if raw else None
    else:
        case = await Case.get_or_none(number=body.number.strip().upper()) if is_number(body.number or "") else None
    if case is None:
        raise fail("case_not_found")
    if case.status not in OPEN_STATUSES:
        raise fail("case_closed")
    if await filed_by(case, CHANNEL, call.me.openid, call.services):
        raise fail("own_report")  # a reporter's 附议 of their own report would count them twice
    subject = call.services.cipher.lookup_hash(f"{CHANNEL}:{call.me.openid}", purpose="follow")[:32]
    if not await call.services.redis.set(keys.api_follow(case.id, subject), b"1", nx=True, ex=FOLLOW_TTL_S):
        raise fail("already_followed")
    await support(case.id, channel=CHANNEL)
    if by_token:  # the caller never learns which case it was
        return FollowOut(message="已附议,办理单位会一并处理。")
    return FollowOut(case=public_case(case, await call.services.registry()),
                     message=f"已附议反映 {case.number},办理单位会一并处理。")
