"""Importing the 小微权力清单 from YAML (a list of items) or XLSX (one row per item, Chinese headers).

Fields (YAML key / XLSX header): code 编号, title 事项, section 类别, categories 关联问题类别,
keywords 关键词, decider 决策主体, steps 办理流程, documents 所需材料, time_limit 办理时限, basis 依据.
In XLSX, lists are separated by line breaks, "、" or "→". Items are matched by code: importing
the same file twice changes nothing. A file with a bad row imports nothing unless `skip_bad`.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tortoise.transactions import in_transaction

from handlers.publication import powers as power_list
from storage import audit
from storage.models.publication import PowerItem

if TYPE_CHECKING:
    from redis.asyncio import Redis

HEADERS = {"编号": "code", "事项": "title", "事项名称": "title", "类别": "section", "关联问题类别": "categories",
           "关键词": "keywords", "决策主体": "decider", "实施主体": "decider", "办理流程": "steps", "流程": "steps",
           "所需材料": "documents", "办理时限": "time_limit", "时限": "time_limit", "依据": "basis",
           "法规依据": "basis"}
FIELDS = ("code", "title", "section", "categories", "keywords", "decider", "steps", "documents", "time_limit",
          "basis")
LISTS = ("categories", "keywords", "steps", "documents")
_SPLIT = re.compile(r"\s*(?:\n|→|->|、|；|;)\s*")
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class PowerImportFailed(ValueError):
    def __init__(self, problems: list["Problem"]) -> None:
        super().__init__(f"{len(problems)} bad row(s)")
        self.problems = problems


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str


@dataclass
class PowerImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Problem] = field(default_factory=list)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p for p in (s.strip() for s in _SPLIT.split(str(value))) if p]


def _category_ids(names: list[str]) -> tuple[list[str], list[str]]:
    from nlp import CATEGORY_IDS, CATEGORY_NAMES

    by_name = {v: k for k, v in CATEGORY_NAMES.items()}
    ids, bad = [], []
    for n in names:
        c = n if n in CATEGORY_IDS else by_name.get(n)
        (ids if c else bad).append(c or n)
    return ids, bad


def check_row(raw: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """A row as PowerItem fields, or the reason it is refused."""
    row: dict[str, Any] = {}
    for k in FIELDS:
        v = raw.get(k)
        row[k] = _as_list(v) if k in LISTS else ("" if v is None else str(v).strip())
    if not _CODE.match(row["code"]):
        return None, "编号必填，只能用字母、数字、- 和 _（最多32个）"
    if not row["title"] or len(row["title"]) > 64:
        return None, "事项名称必填（最多64字）"
    if not row["steps"]:
        return None, "办理流程必填"
    if not row["time_limit"]:
        return None, "办理时限必填"
    ids, bad = _category_ids(row["categories"])
    if bad:
        return None, "没有这些问题类别：" + "、".join(bad)
    row["categories"] = ids
    return row, ""


def read_rows(path: Path | None = None, *, data: bytes | None = None, name: str = "") -> list[tuple[int, dict[str, Any]]]:
    """(line, raw row) from a YAML or XLSX file; the line is the spreadsheet row or the item's number."""
    name = name or (path.name if path else "")
    blob = data if data is not None else path.read_bytes()  # type: ignore[union-attr]
    if name.lower().endswith((".yaml", ".yml")):
        import yaml

        doc = yaml.safe_load(blob.decode("utf-8"))
        items = doc.get("items", []) if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise PowerImportFailed([Problem(0, "YAML 须为事项列表（或含 items 列表）")])
        return [(i, it if isinstance(it, dict) else {}) for i, it in enumerate(items, 1)]
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        ws = load_workbook(io.BytesIO(blob), read_only=True, data_only=True).worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = [HEADERS.get(str(h or "").strip(), str(h or "").strip()) for h in next(rows, ())]
        out = []
        for n, values in enumerate(rows, 2):
            if not any(v not in (None, "") for v in values):
                continue
            out.append((n, {h: v for h, v in zip(header, values) if h in FIELDS}))
        return out
    raise PowerImportFailed([Problem(0, "只接受 .yaml/.yml 或 .xlsx 文件")])


async def import_powers(rows: list[tuple[int, dict[str, Any]]], redis: "Redis", *, actor: str,
                        skip_bad: bool = False) -> PowerImportResult:
    result = PowerImportResult()
    good: list[dict[str, Any]] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for line, raw in rows:
        row, why = check_row(raw)
        if row and row["code"] in seen:
            row, why = None, f"编号 {row['code']} 在文件里重复"
        if row is None:
            problems.append(Problem(line, why))
            continue
        seen.add(row["code"])
        good.append(row)
    if problems and not skip_bad:
        raise PowerImportFailed(problems)
    result.skipped = problems
    async with in_transaction():
        known = {p.code: p for p in await PowerItem.filter(code__in=list(seen))}
        top = await PowerItem.all().count()
        for n, row in enumerate(good):
            item = known.get(row["code"])
            if item is None:
                await PowerItem.create(position=top + n, **row)
                result.created += 1
            elif any(getattr(item, k) != row[k] for k in FIELDS):
                for k in FIELDS:
                    setattr(item, k, row[k])
                await item.save()
                result.updated += 1
            else:
                result.unchanged += 1
    if result.created or result.updated:
        await power_list.changed(redis)
        await audit.append(actor, "powers.import", "", {"created": result.created, "updated": result.updated,
                                                        "skipped": len(problems)})
    return result
