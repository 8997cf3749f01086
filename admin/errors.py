"""The panel's error pages: Chinese, in the panel's frame, never aiohttp's "404: Not Found".

A refusal raised with a Chinese text (`web.HTTPForbidden(text="…")`) shows that text; any other
error shows the plain sentence for its status. The status code stays what the page raised.
"""
from __future__ import annotations

import logging
import re
from typing import Awaitable, Callable

from aiohttp import web

log = logging.getLogger("qingfeng.admin")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CJK = re.compile(r"[\u4e00-\u9fff]")
TITLES = {400: "请求有误", 401: "请先登录", 403: "无权访问", 404: "页面不存在", 405: "操作方式不对",
          413: "文件太大", 429: "操作太频繁", 500: "出错了"}
MESSAGES = {
    400: "提交的内容不完整或格式不对，请返回修改后重试。",
    401: "登录已失效，请重新登录。",
    403: "您的账户无权进行此项操作。",
    404: "没有找到这个页面，或它不在您的管辖范围内。",
    405: "这个页面不能这样打开，请从菜单进入。",
    413: "上传的文件超过了大小限制。",
    429: "操作太频繁，请稍后再试。",
}
GENERIC = "服务器暂时无法完成这个操作，请稍后再试；问题持续请联系县纪委监委管理员。"


def _page(request: web.Request, status: int, text: str) -> web.Response:
    from admin.web import render

    message = text if CJK.search(text or "") else MESSAGES.get(status, GENERIC)
    referer = request.headers.get("Referer", "")
    back = referer if referer.startswith(f"{request.scheme}://{request.host}/admin") else ""
    return render(request, "error.html", {"title": TITLES.get(status, "出错了"), "message": message,
                                          "back": back}, status=status)


@web.middleware
async def errors_mw(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or request.path.startswith("/admin/static/"):
            raise
        resp = _page(request, exc.status, exc.text or "")
        for name in ("Retry-After", "Allow"):
            if name in exc.headers:
                resp.headers[name] = exc.headers[name]
        return resp
    except Exception:  # a bug: the trace goes to the log (path only, no query), the clerk gets a sentence
        log.exception("panel page failed: %s %s", request.method, request.path)
        return _page(request, 500, "")


async def not_found(request: web.Request) -> web.Response:
    """Every /admin path no page claims: the panel's 404, not aiohttp's."""
    raise web.HTTPNotFound()
