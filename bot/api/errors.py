"""Errors of the mini-program API: `{"error": {"code": "stable_code", "message": "中文说明"}}`.

The code is stable (clients switch on it); the message is plain Chinese for the
villager. The caller's mistakes are 4xx; anything else is a 500 with a generic
message, logged by exception type only (a traceback could quote personal data).
"""
from __future__ import annotations

import logging
from typing import Awaitable, Callable

from aiohttp import web
from pydantic import BaseModel, ValidationError

log = logging.getLogger("qingfeng.api")


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


# The stable codes, their HTTP status and default message; the OpenAPI document lists them per endpoint.
CODES: dict[str, tuple[int, str]] = {
    "bad_request": (400, "请求不正确。"),
    "bad_json": (400, "请求内容不是有效的 JSON。"),
    "invalid_request": (422, "请求内容不正确。"),
    "unauthorized": (401, "请先登录。"),
    "session_expired": (401, "登录已过期,请重新进入小程序。"),
    "login_failed": (401, "微信登录失败,请重新进入小程序。"),
    "login_unavailable": (503, "微信登录暂时不可用,请稍后再试。"),
    "not_found": (404, "没有找到。"),
    "case_not_found": (404, "没有找到这件反映,请核对编号。"),
    "receipt_not_found": (404, "没有找到与这个查询码对应的反映,请核对后再试。查询码丢了,任何人(包括工作人员)都无法找回,"
                               "反映照常办理;有新情况可以再反映一次,并填上第一次的案件编号(续报)。"),
    "method_not_allowed": (405, "不支持这种请求方式。"),
    "cannot_rate": (409, "这件反映现在还不能评价。"),
    "case_closed": (409, "这件反映已经办结,不能再附议。"),
    "already_followed": (409, "您已经附议过这件反映。"),
    "own_report": (409, "这是您本人提交的反映,不能附议。如有新情况,请在原反映里补充。"),
    "question_not_open": (409, "这个问题已经回答过了,或已不需要回答。"),
    "unknown_template": (422, "没有这个订阅消息模板,请先获取可订阅的模板。"),
    "lookup_first": (409, "请先查询本人的惠民资金记录,再看谁查过您。"),
    "already_voted": (409, "您已经在本轮点题中投过票了,每人每轮只能投一票。"),
    "round_closed": (409, "本轮点题已经截止或还没有开始。"),
    "too_large": (413, "文件太大。"),
    "unsupported_type": (415, "不支持这种文件类型。"),
    "bad_attachment": (422, "文件无法使用,请换一个。"),
    "too_many_attachments": (409, "附件数量已达上限。"),
    "upload_expired": (401, "上传凭证无效或已过期,请重新提交。"),
    "unknown_place": (422, "没有找到这个乡镇或村,请从列表中选择。"),
    "unknown_category": (422, "没有这个问题类别,请从列表中选择。"),
    "invalid_phone": (422, "手机号码格式不对,请填写 11 位手机号。"),
    "text_too_short": (422, "请把问题说得具体一些(至少 5 个字)。"),
    "name_required": (422, "实名反映请填写姓名。"),
    "invalid_id_number": (422, "身份证号码不正确,请核对。"),
    "invalid_name": (422, "请填写与身份证一致的中文姓名。"),
    "dispute_token_invalid": (404, "这条记录的凭证无效或已过期,请重新查询后再反映。"),
    "invalid_amount": (422, "收到的金额请只写数字,例如 800;一分没收到写 0;不清楚就不填。"),
    "rate_limited": (429, "操作太频繁,请稍后再试。"),
    "unavailable": (503, "功能暂未开放,请稍后再试。"),
    "internal": (500, "系统繁忙,请稍后再试。"),
}


def fail(code: str, message: str | None = None, headers: dict[str, str] | None = None) -> ApiError:
    status, default = CODES[code]
    return ApiError(status, code, message or default, headers)


def error_response(err: ApiError) -> web.Response:
    body = ErrorOut(error=ErrorBody(code=err.code, message=err.message)).model_dump()
    return web.json_response(body, status=err.status, headers=err.headers,
                             dumps=_dumps)


def _dumps(obj: object) -> str:
    import json

    return json.dumps(obj, ensure_ascii=False)


def validation_message(exc: ValidationError) -> str:
    """Which fields are wrong, by name only (never echo the submitted value)."""
    fields = sorted({".".join(str(p) for p in e["loc"]) or "请求" for e in exc.errors()})
    return "请求内容不正确:" + "、".join(fields[:5])


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 415: "unsupported_type"}


@web.middleware
async def error_middleware(request: web.Request,
                           handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as err:
        return error_response(err)
    except ValidationError as exc:
        return error_response(fail("invalid_request", validation_message(exc)))
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = _HTTP_CODES.get(exc.status)
        keep = {k: v for k, v in exc.headers.items() if k == "Allow"}  # RFC 9110: a 405 says what is allowed
        if code is None:
            return error_response(ApiError(exc.status, "bad_request", CODES["bad_request"][1], keep))
        return error_response(fail(code, headers=keep))
    except Exception as exc:  # the message could hold personal data: log the type and the path only
        log.error("api %s %s failed: %s", request.method, request.path, type(exc).__name__)
        return error_response(fail("internal"))
