"""Publication reads for the mini-program (公开), and the 点题 vote.

    GET  /api/v1/powers                      小微权力清单 (?q= narrows by words)
    GET  /api/v1/powers/{id}                 one item: who decides, steps, documents, time limit, basis
    GET  /api/v1/powers/{id}/flowchart.svg   its steps as a flowchart
    GET  /api/v1/disclosures?village=CODE    the village's disclosures, newest first, and what is late
    GET  /api/v1/disclosures/{id}/file       the uploaded XLSX or PDF
    GET  /api/v1/announcements?village=CODE  公示 archive (?q= searches)
    GET  /api/v1/outcomes                    published outcomes of closed cases (?village= / ?township=)
    GET  /api/v1/topics                      the open 点题 round (or the last closed one, with its results)
    POST /api/v1/topics/{id}/vote            one vote per villager per round (signed in)

Reads need no login: everything here is public. Nothing names a villager.
"""
from __future__ import annotations

from datetime import date

from aiohttp import web
from pydantic import BaseModel, Field

from bot.api.errors import fail
from bot.api.routing import ApiRoutes, Call, In, QueryIn
from bot.api.session import CHANNEL
from storage.china_time import CHINA_TZ

routes = ApiRoutes("publication")
PAGE = 20


def _number(id: str) -> int | None:
    """A path id of ASCII digits ("³".isdigit() is true, int("³") is not)."""
    return int(id) if id.isascii() and id.isdigit() and len(id) <= 9 else None


class PowerSummary(BaseModel):
    id: str = Field(description="事项编号")
    title: str
    section: str = Field(description="清单分类")
    time_limit: str
    categories: list[str] = Field(description="关联的问题类别 id")


class PowersOut(BaseModel):
    powers: list[PowerSummary]


class PowerOut(PowerSummary):
    decider: str = Field(description="谁来决定(决策或审批主体)")
    steps: list[str]
    documents: list[str]
    basis: str = Field(description="依据")
    flowchart: str = Field(description="流程图(SVG)的地址")
    report_hint: str


class PowersQuery(QueryIn):
    q: str | None = Field(default=None, max_length=40, description="按事项名称或关键词查找")


def _summary(p: "object") -> PowerSummary:
    return PowerSummary(id=p.code, title=p.title, section=p.section, time_limit=p.time_limit,  # type: ignore[attr-defined]
                        categories=list(p.categories))  # type: ignore[attr-defined]


@routes.get("/powers", query=PowersQuery, response=PowersOut, auth=False, summary="小微权力清单")
async def power_list(call: Call, query: PowersQuery) -> PowersOut:
    from handlers.publication.powers import current

    listed = await current(call.services.redis)
    items = list(listed.items.values())
    if query.q:
        words = query.q.strip()
        items = [p for p in items if words in p.title or any(words in k or k in words for k in p.keywords)]
    return PowersOut(powers=[_summary(p) for p in items])


async def _power(call: Call, id: str) -> "object":
    from handlers.publication.powers import current

    p = (await current(call.services.redis)).items.get(id)
    if p is None:
        raise fail("not_found", "清单里没有这个事项。")
    return p


@routes.get("/powers/{id}", response=PowerOut, auth=False, errors=("not_found",), summary="权力清单事项详情")
async def power_detail(call: Call, id: str) -> PowerOut:
    from handlers.publication.powers import REPORT_HINT

    p = await _power(call, id)
    return PowerOut(**_summary(p).model_dump(), decider=p.decider, steps=list(p.steps),  # type: ignore[attr-defined]
                    documents=list(p.documents), basis=p.basis,  # type: ignore[attr-defined]
                    flowchart=f"/api/v1/powers/{p.code}/flowchart.svg", report_hint=REPORT_HINT)  # type: ignore[attr-defined]


@routes.get("/powers/{id}/flowchart.svg", auth=False, errors=("not_found",), summary="事项流程图(image/svg+xml)")
async def power_flowchart(call: Call, id: str) -> web.Response:
    from handlers.publication.flowchart import flowchart_svg

    p = await _power(call, id)
    svg = flowchart_svg(p.title, p.steps, p.time_limit)  # type: ignore[attr-defined]
    return web.Response(text=svg, content_type="image/svg+xml", headers={"Cache-Control": "public, max-age=300"})


class VillageQuery(QueryIn):
    village: str = Field(min_length=1, max_length=16, description="村(社区)代码")


class DisclosureOut(BaseModel):
    id: int
    kind: str = Field(description="finance | assets | decisions")
    kind_name: str
    period: str
    due_on: date
    published_on: date
    on_time: bool
    title: str
    summary: str
    file: str = Field(description="原文件地址(XLSX 或 PDF)")


class LateOut(BaseModel):
    kind: str
    kind_name: str
    period: str
    due_on: date
    disclosed_on: date | None = Field(description="逾期后才公开的日期;没有公开则为空")


class DisclosuresOut(BaseModel):
    village: str
    village_name: str
    disclosures: list[DisclosureOut]
    late: list[LateOut]


async def _village(call: Call, code: str) -> "object":
    registry = await call.services.registry()
    v = registry.villages.get(code)
    if v is None:
        raise fail("unknown_place")
    return v


@routes.get("/disclosures", query=VillageQuery, response=DisclosuresOut, auth=False, errors=("unknown_place",),
            summary="本村村务、财务公开")
async def disclosure_list(call: Call, query: VillageQuery) -> DisclosuresOut:
    from handlers.publication.disclosures import KIND_NAMES, late_villages, latest

    v = await _village(call, query.village)
    items = await latest(query.village, limit=PAGE)
    late = [x for x in await late_villages(township=v.township) if x.village == query.village]  # type: ignore[attr-defined]
    return DisclosuresOut(village=query.village, village_name=v.name, disclosures=[  # type: ignore[attr-defined]
        DisclosureOut(id=d.id, kind=str(d.period.kind), kind_name=KIND_NAMES[d.period.kind], period=d.period.label,
                      due_on=d.period.due_on, published_on=d.published_on,
                      on_time=d.published_on <= d.period.due_on, title=d.title, summary=d.summary,
                      file=f"/api/v1/disclosures/{d.id}/file") for d in items
    ], late=[LateOut(kind=str(x.period.kind), kind_name=KIND_NAMES[x.period.kind], period=x.period.label,
                     due_on=x.period.due_on, disclosed_on=x.disclosed_on) for x in late])


@routes.get("/disclosures/{id}/file", auth=False, errors=("not_found",), summary="公开原文件(XLSX 或 PDF)")
async def disclosure_file(call: Call, id: str) -> web.Response:
    from storage.models.publication import Disclosure

    d = await Disclosure.get_or_none(id=n) if (n := _number(id)) is not None else None
    if d is None or not d.content:
        raise fail("not_found")
    ext = "pdf" if d.content_type == "application/pdf" else "xlsx"
    return web.Response(body=d.content, content_type=d.content_type, headers={
        "Content-Disposition": f'attachment; filename="disclosure-{d.id}.{ext}"'})


class AnnouncementsQuery(QueryIn):
    village: str = Field(min_length=1, max_length=16, description="村(社区)代码")
    q: str | None = Field(default=None, max_length=40, description="搜索公示内容")
    page: int = Field(default=1, ge=1, le=1000)


class AnnouncementOut(BaseModel):
    id: int
    kind: str = Field(description="general | subsidy(惠民资金公示,姓名只显示姓)")
    title: str
    text: str
    office: str = Field(description="发布单位")
    sent_on: date


class AnnouncementsOut(BaseModel):
    announcements: list[AnnouncementOut]
    page: int


@routes.get("/announcements", query=AnnouncementsQuery, response=AnnouncementsOut, auth=False,
            errors=("unknown_place",), summary="本村公示")
async def announcement_list(call: Call, query: AnnouncementsQuery) -> AnnouncementsOut:
    from handlers.publication.archive import search

    await _village(call, query.village)
    rows = await search(village=query.village, q=query.q or "").offset((query.page - 1) * PAGE).limit(PAGE)
    return AnnouncementsOut(page=query.page, announcements=[
        AnnouncementOut(id=a.id, kind=a.kind, title=a.title, text=a.text, office=a.office_name,
                        sent_on=a.sent_at.astimezone(CHINA_TZ).date()) for a in rows])


class OutcomesQuery(QueryIn):
    village: str | None = Field(default=None, max_length=16, description="村(社区)代码")
    township: str | None = Field(default=None, max_length=12, description="乡镇代码")
    page: int = Field(default=1, ge=1, le=1000)


class OutcomeOut(BaseModel):
    id: int
    category: str
    category_name: str
    township: str
    village: str
    result: str
    summary: str = Field(description="工作人员撰写的公开摘要;没有则为空")
    closed_on: date


class OutcomesOut(BaseModel):
    outcomes: list[OutcomeOut]
    page: int


@routes.get("/outcomes", query=OutcomesQuery, response=OutcomesOut, auth=False, summary="查处结果公开")
async def outcome_list(call: Call, query: OutcomesQuery) -> OutcomesOut:
    from handlers.publication.outcomes import public, published

    registry = await call.services.registry()
    rows = await published(village=query.village or "", township=query.township or "").offset(
        (query.page - 1) * PAGE).limit(PAGE)
    return OutcomesOut(page=query.page, outcomes=[OutcomeOut(**vars(public(o, registry))) for o in rows])


class TopicOut(BaseModel):
    id: int
    title: str
    description: str
    chosen: bool = Field(description="本轮选出的监督重点(截止后)")
    votes: int | None = Field(description="得票数,截止后公布")


class RoundOut(BaseModel):
    id: int
    title: str
    opens_on: date
    closes_on: date
    status: str = Field(description="open | closed")


class TopicsOut(BaseModel):
    round: RoundOut | None
    topics: list[TopicOut]


@routes.get("/topics", response=TopicsOut, auth=False, summary="群众点题")
async def topic_list(call: Call) -> TopicsOut:
    from handlers.publication.topics import last_closed, open_round, tally, topics_of

    r = await open_round() or await last_closed()
    if r is None:
        return TopicsOut(round=None, topics=[])
    closed = str(r.status) == "closed"
    counts = await tally(r) if closed else {}
    return TopicsOut(round=RoundOut(id=r.id, title=r.title, opens_on=r.opens_on, closes_on=r.closes_on,
                                    status=str(r.status)),
                     topics=[TopicOut(id=t.id, title=t.title, description=t.description, chosen=t.chosen,
                                      votes=counts.get(t.id, 0) if closed else None) for t in await topics_of(r)])


class VoteIn(In):
    village: str | None = Field(default=None, max_length=16, description="投票人所在村的代码(可不填,只用于按乡镇统计)")


class VoteOut(BaseModel):
    outcome: str = Field(description="counted")
    message: str


@routes.post("/topics/{id}/vote", body=VoteIn, response=VoteOut, bucket="vote",
             errors=("not_found", "already_voted", "round_closed", "unknown_place"), summary="点题投票(每人每轮一票)")
async def topic_vote(call: Call, id: str, body: VoteIn) -> VoteOut:
    from handlers.publication.topics import VoteOutcome, vote
    from storage.models.publication import Topic

    n = _number(id)
    topic = await Topic.get_or_none(id=n).prefetch_related("round") if n is not None else None
    if topic is None:
        raise fail("not_found", "没有这个点题题目。")
    township = ""
    if body.village:
        township = (await _village(call, body.village)).township  # type: ignore[attr-defined]
    result = await vote(topic.round, topic.id, call.account, township=township, channel=CHANNEL)
    if result is VoteOutcome.ALREADY:
        raise fail("already_voted")
    if result is VoteOutcome.CLOSED:
        raise fail("round_closed")
    if result is VoteOutcome.NO_TOPIC:
        raise fail("not_found")
    return VoteOut(outcome=str(result), message=f"投票成功,您选的是“{topic.title}”。")
