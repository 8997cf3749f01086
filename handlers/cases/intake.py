"""Manual intake (来信、来访、来电、12388 登记): staff register a report that came in off WeChat.

    staff fill the form ─> check_attachments (before anything is written)
                       ─> file_manual ─> filing.file_report (the one path: routing, events, hooks)
                       ─> attachments saved (storage/attachments.py: checked, cleaned, sealed at rest)
                       ─> audit "case.intake"

The same ledger and the same routing as a WeChat report: only the channel differs
(a key of INTAKE_CHANNELS) and the "filed" event's actor is the staff member. The
reporter's name and phone are optional; given, they are sealed in ReporterIdentity
like a 实名 WeChat reporter's. The form carries a token drawn when it was shown
(`new_intake_token`), used as the draft id, so a double submit files one case.
"""
from __future__ import annotations

import asyncio
import re
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from handlers.cases.filing import Filed, ReportDraft, file_report
from handlers.cases.scope import BadInput, HANDLERS, RoleNotAllowed
from storage import audit
from storage.attachments import KIND_OF, AttachmentRejected, check_and_clean, save_attachment, sniff
from storage.models import CHANNEL_NAMES, INTAKE_CHANNELS, Role, Staff

if TYPE_CHECKING:
    from bot.services import Services

MAX_TEXT = 5000
MAX_FILES = 5
TOKEN_PREFIX = "in"  # draft ids of manual intake: "in" + 30 hex digits (Case.draft_id holds 32)
_TOKEN_RE = re.compile(r"in[0-9a-f]{30}")
_PHONE_RE = re.compile(r"\+?[0-9][0-9\- ]{5,18}[0-9]")


@dataclass
class Upload:
    data: bytes
    content_type: str = ""


@dataclass
class ManualReport:
    token: str  # from new_intake_token(), shown in the form
    channel: str  # one of INTAKE_CHANNELS
    text: str
    category: str = ""  # "" → decided from the text, as for a WeChat report
    township: str = ""
    village: str = ""
    name: str = ""
    phone: str = ""
    platform_ref: str = ""  # the number the other platform (12388, 12345…) gave the report
    files: list[Upload] = field(default_factory=list)


def new_intake_token() -> str:
    return TOKEN_PREFIX + secrets.token_hex(15)


def _clean(report: ManualReport) -> ManualReport:
    if not _TOKEN_RE.fullmatch(report.token or ""):
        raise BadInput("登记表已失效，请刷新页面后重新填写")
    if report.channel not in INTAKE_CHANNELS:
        raise BadInput("请选择来源渠道（来信、来访、来电、12388举报平台或其他平台转来）")
    report.text = (report.text or "").strip()
    if len(report.text) < 5:
        raise BadInput("请填写反映内容（至少5个字）")
    if len(report.text) > MAX_TEXT:
        raise BadInput(f"反映内容不能超过 {MAX_TEXT} 字")
    report.name = (report.name or "").strip()[:40]
    report.phone = re.sub(r"\s", "", report.phone or "")
    if report.phone and not _PHONE_RE.fullmatch(report.phone):
        raise BadInput("联系电话格式不对（手机号或带区号的座机号）")
    report.platform_ref = (report.platform_ref or "").strip()[:40]
    if len(report.files) > MAX_FILES:
        raise BadInput(f"附件最多 {MAX_FILES} 个")
    return report


async def check_attachments(files: list[Upload]) -> list[tuple[Upload, str]]:
    """Every file with its kind, or BadInput naming the first one that fails the upload checks."""
    out = []
    for i, f in enumerate(files, 1):
        real = sniff(f.data)
        kind = KIND_OF.get(real or "", "")
        try:
            await asyncio.to_thread(check_and_clean, f.data, f.content_type, kind or "file")
        except AttachmentRejected as exc:
            raise BadInput(f"附件 {i} 未通过检查：{exc.reason_cn}（只收照片、录音和视频）") from None
        out.append((f, kind))
    return out


async def file_manual(report: ManualReport, *, actor_staff: Staff, services: "Services") -> Filed:
    """File one manually received report; BadInput / RoleNotAllowed say why not (nothing written then)."""
    from nlp import CATEGORY_IDS, analyze

    if Role(actor_staff.role) not in HANDLERS:
        raise RoleNotAllowed("您的角色不能登记来信来访")
    report = _clean(report)
    if report.category and report.category not in CATEGORY_IDS:
        raise BadInput("没有这个问题类别")
    registry = await services.registry()
    if report.village and report.village not in registry.villages:
        raise BadInput("没有这个村（社区）")
    if report.township and report.township not in registry.townships:
        raise BadInput("没有这个乡镇（街道）")
    files = await check_attachments(report.files)
    analysis = analyze(report.text, registry, group_village=report.village or None)
    village = report.village or analysis.village
    township = registry.township_of(village) if village else (report.township or analysis.township)
    identity = bool(report.name or report.phone)
    source = {"platform_ref": report.platform_ref} if report.platform_ref else None
    draft = ReportDraft(
        channel=report.channel, text=report.text, category=report.category or analysis.category,
        township=township, village=village, level=analysis.level,
        confidence=1.0 if report.category else analysis.confidence, keywords=list(analysis.keywords),
        exclude_township=analysis.exclude_township, anonymous=not identity, name=report.name or None,
        phone=report.phone or None, source_ref=source, actor=f"staff:{actor_staff.id}", draft_id=report.token,
    )
    filed = await file_report(draft, services)
    if filed.again:
        return filed  # the same form sent twice: its case and attachments stand
    for f, kind in files:
        await save_attachment(filed.case.id, f.data, f.content_type, kind, services)
    await audit.append(f"staff:{actor_staff.id}", "case.intake", filed.case.number or str(filed.case.id),
                       {"channel": report.channel, "channel_name": CHANNEL_NAMES[report.channel],
                        "identity": identity, "attachments": len(files)})
    return filed
