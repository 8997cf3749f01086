"""The per-case documents: 信访举报登记表 and 问题线索处置呈批表, filled from the case and its timeline.

    document_values(case, revealed=None) -> dict     what goes into the form (redacted unless `revealed`)
    render_docx(kind, values) -> bytes               docxtpl on admin/doc_templates/<kind>.docx

The reporter's identity appears only when a county role revealed it for this export
(`revealed`: the opened name and phone, after the audited reveal); otherwise a 实名
report says so and nothing more, and ID or phone numbers typed into the text and the
timeline are masked, as on the case page.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from admin.filters import CST, LEVEL_NAMES, when
from admin.people import actor_names
from handlers.cases.queries import office_title
from nlp.categories import CATEGORY_NAMES
from nlp.idcard import mask_numbers_in_text
from storage.models import (CHANNEL_NAMES, EVENT_NAMES, STATUS_NAMES, Attachment, Case, CaseEvent, County, Status,
                            Township, Village)

TEMPLATES = Path(__file__).parent / "doc_templates"
KINDS: dict[str, str] = {"registration": "信访举报登记表", "disposal": "问题线索处置呈批表"}
HIDDEN = "（实名反映，身份信息已隐去；县纪委监委经审批可查看）"

# 拟处置意见 by status (the 监督执纪工作规则's disposal ways, in the words staff write on the form)
DISPOSITION: dict[str, str] = {
    Status.RECEIVED: "待受理，拟按规定分类处置",
    Status.ACCEPTED: "已受理，拟予初步核实",
    Status.INVESTIGATING: "正在初步核实",
    Status.REFERRED: "转有关单位办理",
    Status.REJECTED: "不予受理，予以了结",
    Status.RESOLVED: "核实完毕，予以办结",
    Status.RATED: "已办结，反映人已评价",
    Status.NOT_ACCEPTED: "不属纪检监察受理范围，告知反映人向有关部门反映",
}


@dataclass(frozen=True)
class Revealed:
    name: str
    phone: str


async def document_values(case: Case, *, exported_by: str, revealed: Revealed | None = None) -> dict[str, Any]:
    from docxtpl import Listing  # keeps the line breaks of a letter or a finding

    def clean(text: str) -> str:
        return text if revealed else mask_numbers_in_text(text)

    names = await actor_names()
    town = await Township.get_or_none(code=case.township_id) if case.township_id else None
    village = await Village.get_or_none(code=case.village_id) if case.village_id else None
    county = await County.first()
    events = await CaseEvent.filter(case_id=case.id).order_by("at", "id")
    findings = [clean(e.reason) for e in events if e.kind == "finding"]
    linked = [n for n in await Case.filter(linked_to_id=case.id).order_by("id").values_list("number", flat=True) if n]
    if case.linked_to_id:
        root = await Case.get_or_none(id=case.linked_to_id)
        linked.insert(0, f"并入 {root.number}" if root else "")
    if case.anonymous:
        name = phone = "匿名"
        note = "本件为匿名反映。"
    elif revealed is None:
        name, phone, note = HIDDEN, "（已隐去）", "反映人身份信息已隐去。"
    else:
        name, phone = revealed.name, revealed.phone
        note = "本表含反映人身份信息，经县纪委监委审批查看，注意保密，不得外传。"
    source = case.source_ref or {}
    return {
        "commission": county.commission if county else "纪委监委",
        "number": case.number or str(case.id),
        "filed_at": when(case.created_at),
        "channel": CHANNEL_NAMES.get(case.channel, case.channel),
        "platform_ref": str(source.get("platform_ref", "")) or "无",
        "reporter_name": name, "reporter_phone": phone,
        "reporting": "匿名" if case.anonymous else "实名",
        "level": LEVEL_NAMES.get(case.level, case.level),
        "place": " ".join(x for x in (town.name if town else "未识别乡镇", village.name if village else "") if x),
        "category": CATEGORY_NAMES.get(case.category, case.category),
        "status": STATUS_NAMES.get(case.status, str(case.status)),
        "text": Listing(clean(case.text)),
        "route_reason": case.route_reason or "无",
        "office": await office_title(case.office) or "未定",
        "deadlines": f"受理 {when(case.accept_due) or '—'}；办结 {when(case.resolve_due) or '—'}",
        "attachments": f"{await Attachment.filter(case_id=case.id, derived_from_id=None).count()} 个（见系统）",
        "linked": "、".join(linked) or "无",
        "findings": Listing("\n".join(findings)) if findings else "暂无",
        "disposition": DISPOSITION.get(case.status, ""),
        "result": clean(case.result or "") or "尚未办结",
        "events": [{"at": when(e.at), "name": EVENT_NAMES.get(e.kind, e.kind), "actor": names.get(e.actor, "系统"),
                    "reason": Listing(clean(e.reason))} for e in events],
        "identity_note": note,
        "exported_by": exported_by,
        "exported_at": datetime.now(CST).strftime("%Y-%m-%d %H:%M"),
    }


def render_docx(kind: str, values: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(TEMPLATES / f"{kind}.docx"))
    tpl.render(values, autoescape=True)  # a letter's "<" or "&" stays text, never markup
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
