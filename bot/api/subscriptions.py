"""Subscribe messages: which of the mini-program's templates this user accepted.

    GET  /api/v1/subscriptions   the templates the mini-program may ask for (pass their ids to
                                 wx.requestSubscribeMessage) and the user's last answer for each
    POST /api/v1/subscriptions   {"results": {"<template id>": "accept" | "reject" | "ban" | "filter"}}
                                 wx.requestSubscribeMessage's success result as it came (errMsg is ignored)

Answers are kept under the account's keyed subject hash (storage.models.consent), never the openid.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from bot.api.errors import fail
from bot.api.routing import ApiRoutes, Call, In
from bot.api.session import CHANNEL
from storage.models.consent import SubscribeConsent

routes = ApiRoutes("subscriptions")
ANSWERS = ("accept", "reject", "ban", "filter")
MAX_RESULTS = 20  # wx.requestSubscribeMessage takes at most 3 ids at a time; room for errMsg and a few more


class TemplateOut(BaseModel):
    template_id: str
    purpose: str = Field(description="用途代码,如 reporter_subscribe")
    title: str = Field(description="用途的中文说明")
    status: Literal["accept", "reject", "ban", "filter", "unknown"] = Field(
        description="用户上次的选择;unknown:还没有问过")


class SubscriptionsOut(BaseModel):
    templates: list[TemplateOut]


class SubscriptionsIn(In):
    results: dict[str, str] = Field(max_length=MAX_RESULTS,
                                    description="wx.requestSubscribeMessage 成功回调的结果:模板 id -> accept/reject/ban/filter")


def _templates(call: Call) -> dict[str, tuple[str, str]]:
    """template id -> (purpose, title) of every mini-program template."""
    from bot.wechat_templates import PURPOSES

    specs = call.services.settings.tpl.specs()
    return {specs[name].template_id: (name, p.title or name) for name, p in PURPOSES.items()
            if p.channel == "miniapp" and specs[name].template_id}


async def _out(call: Call) -> SubscriptionsOut:
    subjects = call.services.cipher.all_subject_hashes(CHANNEL, call.me.openid)
    rows = await SubscribeConsent.filter(subject_hash__in=subjects).order_by("updated_at", "id")
    known = {r.template_id: r.status for r in rows}  # the newest answer wins, whichever key hashed it
    return SubscriptionsOut(templates=[TemplateOut(template_id=tid, purpose=purpose, title=title,
                                                   status=known.get(tid, "unknown"))  # type: ignore[arg-type]
                                       for tid, (purpose, title) in _templates(call).items()])


@routes.get("/subscriptions", response=SubscriptionsOut, summary="订阅消息:可订阅的模板和我的选择")
async def mine(call: Call) -> SubscriptionsOut:
    return await _out(call)


@routes.post("/subscriptions", body=SubscriptionsIn, response=SubscriptionsOut, errors=("unknown_template",),
             summary="记录 wx.requestSubscribeMessage 的结果")
async def record_answers(call: Call, body: SubscriptionsIn) -> SubscriptionsOut:
    offered = _templates(call)
    answers = {k: v for k, v in body.results.items() if k != "errMsg"}
    unknown = [k for k in answers if k not in offered]
    if unknown:
        raise fail("unknown_template")
    bad = [k for k, v in answers.items() if v not in ANSWERS]
    if bad:
        raise fail("invalid_request", "请求内容不正确:results")
    subject = call.account
    for template_id, status in answers.items():
        await SubscribeConsent.update_or_create(defaults={"status": status}, subject_hash=subject,
                                                template_id=template_id)
    return await _out(call)
