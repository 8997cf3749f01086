"""村务、财务公开: the periods every village must disclose for, the uploads, and who is late.

A period (a quarter's finances, the 三资 ledger, the 四议两公开 decisions) is due on a date — the
county lists publish "每季度首月20日前" for quarterly items. A village with nothing uploaded for a
period by its due date is late: the panel lists it per township, and the comparison rule
`disclosure_late` (handlers/compare/disclosure_late.py) raises a `disclosure` clue for it.

Uploads are XLSX or PDF. A village disclosure is public, so a spreadsheet carrying an ID number or a
mobile number is refused (the way 公示 texts are).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from tortoise.transactions import in_transaction

from storage import audit
from storage.china_time import today as china_today
from storage.models import Village
from storage.models.publication import Disclosure, DisclosureKind, DisclosurePeriod

KIND_NAMES = {DisclosureKind.FINANCE: "财务公开", DisclosureKind.ASSETS: "“三资”公开",
              DisclosureKind.DECISIONS: "“四议两公开”决策公开"}
MAX_BYTES = 10 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
DUE_DAY = 20  # 每季度首月20日前
_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


class BadDisclosure(ValueError):
    """The upload cannot be published; the message says why, in Chinese."""


def quarter_bounds(year: int, quarter: int) -> tuple[date, date, date]:
    """First day, last day, and due date (the 20th of the next quarter's first month)."""
    start = date(year, 3 * quarter - 2, 1)
    nxt = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    end = date.fromordinal(nxt.toordinal() - 1)
    return start, end, nxt.replace(day=DUE_DAY)


async def quarter_period(kind: DisclosureKind, year: int, quarter: int) -> DisclosurePeriod:
    start, end, due = quarter_bounds(year, quarter)
    period, _ = await DisclosurePeriod.get_or_create(
        kind=kind, label=f"{year}年第{quarter}季度", defaults={"starts_on": start, "ends_on": end, "due_on": due})
    return period


def period_name(period: DisclosurePeriod) -> str:
    return f"{period.label}{KIND_NAMES.get(DisclosureKind(period.kind), period.kind)}"


def file_type(name: str, content: bytes) -> str:
    """XLSX or PDF by their first bytes (a name alone proves nothing)."""
    if content.startswith(b"%PDF-"):
        return PDF_TYPE
    if content.startswith(b"PK\x03\x04") and name.lower().endswith(".xlsx"):
        return XLSX_TYPE
    raise BadDisclosure("只能上传 XLSX 表格或 PDF 文件")


def _xlsx_cells(content: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise BadDisclosure("表格无法打开，请另存为 XLSX 后再上传") from None
    return [list(r) for ws in wb.worksheets for r in ws.iter_rows(values_only=True)]


def _money(v: object) -> Decimal | None:
    try:
        return Decimal(str(v).replace(",", "")) if v not in (None, "") else None
    except InvalidOperation:
        return None


def xlsx_summary(rows: list[list[object]]) -> str:
    """Totals of the columns headed 收入 and 支出 (the usual 财务公开 table), when there are any."""
    for i, row in enumerate(rows):
        heads = [str(c or "").strip() for c in row]
        cols = {h: j for j, h in enumerate(heads) if h in ("收入", "支出", "收入（元）", "支出（元）", "收入(元)", "支出(元)")}
        if not cols:
            continue
        totals = {h[:2]: sum((m for r in rows[i + 1:] if j < len(r) and (m := _money(r[j])) is not None),
                             Decimal(0)) for h, j in cols.items()}
        return "；".join(f"本期{k}合计{v:.2f}元" for k, v in totals.items())
    return ""


NAME_HEADERS = ("姓名", "户主", "户主姓名", "收款人", "领款人", "领取人", "申请人", "联系人", "经办人", "承包人",
                "户名", "对象姓名")


def check_public(rows: list[list[object]]) -> None:
    """No ID or mobile number anywhere; a column of names only masked (张*, 李**)."""
    for row in rows:
        for cell in row:
            text = str(cell or "")
            if _ID_NUMBER.search(text) or _MOBILE.search(text):
                raise BadDisclosure("表格里有身份证号或手机号。公开的内容不能有这些，请删去后再上传")
    name_cols: set[int] = set()
    for row in rows:
        for j, cell in enumerate(row):
            text = str(cell or "").strip()
            if text in NAME_HEADERS:
                name_cols.add(j)
            elif j in name_cols and text and "*" not in text:
                raise BadDisclosure(f"“姓名”一类的列须脱敏后再公开（如“{text[:1]}*”），不能写全名")


@dataclass(frozen=True)
class Upload:
    village: str
    period_id: int
    title: str
    summary: str
    file_name: str
    content: bytes


async def publish(up: Upload, *, actor: str, today: date | None = None) -> Disclosure:
    """Store (or replace) the village's disclosure for the period; audited. Scope is the caller's check."""
    if not up.content:
        raise BadDisclosure("请选择要上传的文件")
    if len(up.content) > MAX_BYTES:
        raise BadDisclosure("文件太大（最多 10 MB）")
    ctype = file_type(up.file_name, up.content)
    summary = up.summary.strip()
    if ctype == XLSX_TYPE:
        rows = _xlsx_cells(up.content)
        check_public(rows)
        summary = summary or xlsx_summary(rows)
    if _ID_NUMBER.search(summary + up.title) or _MOBILE.search(summary + up.title):
        raise BadDisclosure("摘要里有身份证号或手机号，请删去")
    if not summary:
        raise BadDisclosure("请填写一句摘要（村民在聊天里看到的就是这句）")
    period = await DisclosurePeriod.get_or_none(id=up.period_id)
    village = await Village.get_or_none(code=up.village)
    if period is None or village is None:
        raise BadDisclosure("没有这个公开期或村")
    title = up.title.strip()[:128] or f"{village.name}{period_name(period)}"
    fields = {"title": title, "summary": summary[:1000], "file_name": up.file_name[-128:], "content_type": ctype,
              "content": up.content, "published_on": today or china_today(), "uploaded_by": actor}
    async with in_transaction():
        existing = await Disclosure.get_or_none(village_id=village.code, period_id=period.id)
        if existing:
            fields["published_on"] = existing.published_on  # a correction keeps the original date
            await Disclosure.filter(id=existing.id).update(**fields)
            d = await Disclosure.get(id=existing.id)
        else:
            d = await Disclosure.create(village=village, period=period, **fields)
    await audit.append(actor, "disclosure.replace" if existing else "disclosure.upload", f"disclosure:{d.id}",
                       {"village": village.code, "period": period.id, "bytes": len(up.content)})
    return d


async def latest(village: str, limit: int = 5) -> list[Disclosure]:
    return await (Disclosure.filter(village_id=village).prefetch_related("period")
                  .order_by("-period__ends_on", "-id").limit(limit))


@dataclass(frozen=True)
class Late:
    period: DisclosurePeriod
    village: str
    village_name: str
    township: str
    disclosed_on: date | None  # uploaded after the due date, or None: not at all


async def late_villages(*, township: str | None = None, today: date | None = None) -> list[Late]:
    """Every (period, village) past its due date with nothing uploaded by then: the panel's list."""
    today = today or china_today()
    periods = await DisclosurePeriod.filter(due_on__lt=today).order_by("-due_on", "kind")
    vq = Village.all() if township is None else Village.filter(township_id=township)
    villages = await vq.order_by("township_id", "code")
    got = {(d["village_id"], d["period_id"]): d["published_on"]
           for d in await Disclosure.filter(period_id__in=[p.id for p in periods]).values(
               "village_id", "period_id", "published_on")}
    out = []
    for p in periods:
        for v in villages:
            on = got.get((v.code, p.id))
            if on is None or on > p.due_on:
                out.append(Late(p, v.code, v.name, v.township_id, on))  # type: ignore[attr-defined]
    return out
