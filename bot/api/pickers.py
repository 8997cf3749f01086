"""What the mini-program's pickers offer: categories with what each covers, townships, villages.

    GET /api/v1/categories
    GET /api/v1/townships
    GET /api/v1/villages?township=CODE
"""
from __future__ import annotations

from pydantic import BaseModel, Field

from bot.api.errors import fail
from bot.api.routing import ApiRoutes, Call, QueryIn

routes = ApiRoutes("pickers")

# SPEC "Report categories", in the words a villager would recognise.
CATEGORY_DESCRIPTIONS: dict[str, str] = {
    "subsidy_fraud": "低保、五保、临时救助、危房改造、扶贫和产业补助、高龄和残疾人补贴、耕地地力保护补贴等资金被虚报冒领、截留挪用、克扣",
    "favoritism": "低保评定、补贴、岗位、名额分配、安置中照顾亲友",
    "collective_assets": "村集体资金、资产、资源:承包费、租金、土地山林鱼塘、账目不清、白条入账",
    "land_compensation": "征地款、拆迁安置款、青苗补偿被扣、少发或造假",
    "project_bidding": "村里工程围标串标、虚增工程量、偷工减料、违规发包",
    "bribery_extortion": "办事收好处费、红包礼金,盖章、办证、审批要钱",
    "eight_rules": "公款吃喝、违规发津补贴、公车私用、大操大办、公款旅游、收受礼品",
    "work_style": "不作为、慢作为、推诿扯皮、态度恶劣、压案不查",
    "disclosure": "党务村务不公开、不及时,没有按“四议两公开”办事",
    "misconduct_other": "干部、党员的其他违纪违法问题:欺压群众、打人骂人,涉赌涉黄、充当“保护伞”,破坏选举、拉票贿选,违法占地建房,侵占群众财产",
    "other": "邻里纠纷、水电、工资等不属纪检监察受理的问题,会告诉您该找哪里(如 12345)",
}


class CategoryQuestionOut(BaseModel):
    id: str = Field(description="提交反映时 answers 的键")
    text: str = Field(description="问群众的话")
    label: str = Field(description="办理人员看到的栏目名")


class CategoryOut(BaseModel):
    id: str
    name: str
    description: str
    accepted: bool = Field(description="false:不属受理范围,提交后会告知其他反映渠道")
    questions: list[CategoryQuestionOut] = Field(default_factory=list,
                                         description="描述之后可选回答的一两个问题(都可不答),答案随反映加密保存")


class CategoriesOut(BaseModel):
    categories: list[CategoryOut]


class TownshipOut(BaseModel):
    code: str
    name: str


class TownshipsOut(BaseModel):
    townships: list[TownshipOut]


class VillageOut(BaseModel):
    code: str
    name: str
    township: str


class VillagesOut(BaseModel):
    villages: list[VillageOut]


class VillagesQuery(QueryIn):
    township: str = Field(min_length=1, max_length=16, description="乡镇代码")


@routes.get("/categories", response=CategoriesOut, auth=False, summary="问题类别")
async def categories(call: Call) -> CategoriesOut:
    from nlp import CATEGORY_IDS, CATEGORY_NAMES
    from nlp.categories import CATEGORY_QUESTIONS

    return CategoriesOut(categories=[
        CategoryOut(id=c, name=CATEGORY_NAMES[c], description=CATEGORY_DESCRIPTIONS.get(c, ""), accepted=c != "other",
                    questions=[CategoryQuestionOut(id=q.id, text=q.ask, label=q.label) for q in CATEGORY_QUESTIONS.get(c, ())])
        for c in CATEGORY_IDS
    ])


@routes.get("/townships", response=TownshipsOut, auth=False, summary="乡镇(街道)列表")
async def townships(call: Call) -> TownshipsOut:
    registry = await call.services.registry()
    return TownshipsOut(townships=[TownshipOut(code=t.code, name=t.name) for t in registry.townships.values()])


@routes.get("/villages", query=VillagesQuery, response=VillagesOut, auth=False, errors=("unknown_place",),
            summary="某乡镇的村(社区)列表")
async def villages(call: Call, query: VillagesQuery) -> VillagesOut:
    registry = await call.services.registry()
    township = registry.townships.get(query.township)
    if township is None:
        raise fail("unknown_place")
    return VillagesOut(villages=[
        VillageOut(code=v, name=registry.villages[v].name, township=township.code) for v in township.villages
    ])
