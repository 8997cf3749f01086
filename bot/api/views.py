"""How a case looks through the API: the reporter's view (as in the chat) and the public one.

`CaseOut` is `handlers.cases.queries.public_view` as JSON, so the chat and the
mini-program show the same thing. `PublicCase` is what anyone may see — the
same fields as Open311: number, category, place names, status, dates; never
the text, the reporter or a person's name.
"""
from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from storage.china_time import CHINA_TZ
from storage.models import Case



class EventOut(BaseModel):
    at: datetime
    text: str


class QuestionOut(BaseModel):
    id: int = Field(description="回答时填入 question")
    at: datetime
    text: str = Field(description="办理单位的问题")


class CaseOut(BaseModel):
    number: str
    status: str
    status_text: str
    category: str = Field(description="类别的中文名称")
    office: str = Field(description="办理单位(机构名称,不含个人)")
    deadline: date | None = None
    events: list[EventOut] = Field(default_factory=list)
    rating: str | None = None
    can_rate: bool = False
    questions: list[QuestionOut] = Field(default_factory=list, description="办理单位等您回答的问题")
    can_add: bool = Field(default=False, description="true:还在办理中,可以补充情况(POST …/supplement)")


class PublicCase(BaseModel):
    number: str
    category: str
    category_name: str
    township: str = ""
    village: str = ""
    status: str
    status_text: str
    created: date


async def case_out(case: Case) -> CaseOut:
    from handlers.cases.queries import public_view
    from handlers.cases.questions import may_add, open_questions

    view = await public_view(case)
    questions = [QuestionOut(id=q.id, at=q.at, text=q.text) for q in await open_questions(case)]
    return CaseOut(number=view.number, status=view.status, status_text=view.status_text, category=view.category,
                   office=view.office, deadline=view.deadline,
                   events=[EventOut(at=e.at, text=e.text) for e in view.events],
                   rating=view.rating, can_rate=view.can_rate, questions=questions, can_add=may_add(case))


def public_case(case: Case, registry: object) -> PublicCase:
    from handlers.cases.queries import STATUS_TEXT
    from nlp import CATEGORY_NAMES

    townships = getattr(registry, "townships", {})
    villages = getattr(registry, "villages", {})
    t = townships.get(case.township_id or "")  # type: ignore[attr-defined]
    v = villages.get(case.village_id or "")  # type: ignore[attr-defined]
    return PublicCase(number=case.number or "", category=case.category,
                      category_name=CATEGORY_NAMES.get(case.category, case.category),
                      township=t.name if t else "", village=v.name if v else "",
                      status=str(case.status), status_text=STATUS_TEXT.get(case.status, str(case.status)),
                      created=case.created_at.astimezone(CHINA_TZ).date())
