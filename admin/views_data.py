"""Subsidy data (county admin): upload → preview (every bad row, a few good rows without personal data) → import.

    POST /subsidies/preview   the file is kept under var/uploads/<token> (0600), sealed with the data key
                              (it is full of ID numbers and names), and checked row by row with
                              storage.subsidy_rows (the importer's own checks)
    POST /subsidies/import    storage.subsidy_import.import_subsidies(token's file, skip_bad=chosen)
    POST /subsidies/discard   the upload is deleted
An upload left alone is deleted after UPLOAD_TTL_S. The plain file exists only while a preview or an
import reads it (`_opened`). The import is audited by the importer.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from aiohttp import web

from admin import scope
from admin.audit_text import AuditNames
from admin.web import render, services_of, staff_of
from storage.china_time import today as china_today
from storage.models import ImportBatch

routes = web.RouteTableDef()
UPLOAD_TTL_S = 3600
MAX_UPLOAD = 20 * 1024 * 1024
PREVIEW_GOOD = 10
TOKEN_RE = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx)$")


@dataclass
class Preview:
    token: str
    filename: str
    rows: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)
    good: list[dict[str, Any]] = field(default_factory=list)  # program, amount, date, village: nothing personal
    problem: str = ""


def _uploads(request: web.Request) -> Path:
    d = Path(services_of(request).settings.var_dir) / "uploads"
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    return d


def _sweep(d: Path) -> None:
    cutoff = time.time() - UPLOAD_TTL_S
    for p in d.iterdir():
        if p.stat().st_mtime < cutoff:
            shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)


def _upload_path(request: web.Request, token: str) -> Path:
    if not TOKEN_RE.match(token):
        raise web.HTTPBadRequest(text="上传记录无效，请重新上传文件。")
    path = _uploads(request) / token
    if not path.exists():
        raise web.HTTPBadRequest(text="上传已过期，请重新上传文件。")
    return path


@contextlib.contextmanager
def _opened(request: web.Request, path: Path, name: str) -> Iterator[Path]:
    """The sealed upload as a plain file named `name` in a private folder, deleted on leaving."""
    plain = services_of(request).cipher.open_bytes(path.read_bytes())
    folder = Path(tempfile.mkdtemp(prefix="open-", dir=path.parent))
    named = folder / name
    try:
        fd = os.open(named, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(plain)
        yield named
    finally:
        named.unlink(missing_ok=True)
        folder.rmdir()


async def _preview(path: Path, token: str, filename: str) -> Preview:
    from storage.subsidy_import import load_resolver
    from storage.subsidy_rows import FileProblem, inspect_file, iter_raw, parse_row

    pv = Preview(token, filename)
    resolver = await load_resolver()
    today = china_today()

    def run() -> None:
        info = inspect_file(path)
        for raw in iter_raw(path, info):
            pv.rows += 1
            row = parse_row(raw, resolver, today)
            if isinstance(row, str):
                pv.bad.append((raw.line, row))
            elif len(pv.good) < PREVIEW_GOOD:
                pv.good.append({"line": row.line, "program": row.program, "amount": row.amount,
                                "paid_on": row.paid_on, "village": row.village})

    try:
        await asyncio.to_thread(run)
    except FileProblem as exc:
        pv.problem = str(exc)
    except (OSError, UnicodeDecodeError) as exc:
        pv.problem = f"无法读取文件：{type(exc).__name__}"
    return pv


async def _probes(request: web.Request) -> list[dict[str, Any]]:
    """IDs on which strangers keep failing (handlers.subsidies.lookup): masked, with the village of their records."""
    from nlp.idcard import mask_id
    from storage.models import AuditEntry, SubsidyRecord

    cipher = services_of(request).cipher
    out = []
    for e in await AuditEntry.filter(action="subsidy.id_probed").order_by("-id").limit(20):
        rec = await SubsidyRecord.filter(id_hash=str(e.detail.get("id_hash", ""))).select_related("village").first()
        out.append({"at": e.at, "failures": e.detail.get("failures", 0),
                    "id_masked": mask_id(cipher.open(rec.id_enc)) if rec else "（无发放记录）",
                    "village": rec.village.name if rec else ""})
    return out


async def _page(request: web.Request, **ctx: Any) -> web.Response:
    batches = await ImportBatch.filter(kind="subsidies").order_by("-id").limit(20)
    names = await AuditNames.load({}, {})
    base: dict[str, Any] = {"batches": batches, "preview": None, "summary": None, "error": "",
                            "probes": await _probes(request), "actor_cn": names.actor}
    base.update(ctx)
    return render(request, "subsidies.html", base, status=400 if base["error"] else 200)


@routes.get("/subsidies")
async def subsidies(request: web.Request) -> web.Response:
    scope.require(staff_of(request), scope.ADMIN_ROLES)
    return await _page(request)


@routes.post("/subsidies/preview")
async def preview(request: web.Request) -> web.Response:
    scope.require(staff_of(request), scope.ADMIN_ROLES)
    upload = (await request.post()).get("file")  # already read (and size-capped) by the CSRF check
    if not isinstance(upload, web.FileField):
        return await _page(request, error="请选择要上传的文件。")
    filename = os.path.basename(upload.filename or "")
    data = await asyncio.to_thread(upload.file.read, MAX_UPLOAD + 1)
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in ("csv", "xlsx"):
        return await _page(request, error="请上传 CSV 或 XLSX 文件。")
    if not data or len(data) > MAX_UPLOAD:
        return await _page(request, error=f"文件为空或超过 {MAX_UPLOAD // 1024 // 1024} MB。")
    d = _uploads(request)
    await asyncio.to_thread(_sweep, d)
    token = f"{secrets.token_hex(16)}.{ext}"
    path = d / token
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(services_of(request).cipher.seal_bytes(data))
    with _opened(request, path, f"upload.{ext}") as plain:
        pv = await _preview(plain, token, filename)
    return await _page(request, preview=pv)


@routes.post("/subsidies/import")
async def do_import(request: web.Request) -> web.Response:
    from storage.subsidy_import import import_subsidies

    staff = staff_of(request)
    scope.require(staff, scope.ADMIN_ROLES)
    form = await request.post()
    path = _upload_path(request, str(form.get("token", "")))
    filename = str(form.get("filename", ""))[:200] or path.name
    stem = re.sub(r"[^\w.-]", "_", filename.rsplit(".", 1)[0])[:100] or "upload"
    try:
        services = services_of(request)
        with _opened(request, path, f"{stem}{path.suffix}") as named:  # the batch keeps the admin's file name
            summary = await import_subsidies(named, services.cipher, skip_bad=form.get("skip_bad") == "1",
                                             actor=f"staff:{staff.id}")
    finally:
        path.unlink(missing_ok=True)
    return await _page(request, summary=summary)


@routes.post("/subsidies/discard")
async def discard(request: web.Request) -> web.Response:
    scope.require(staff_of(request), scope.ADMIN_ROLES)
    form = await request.post()
    _upload_path(request, str(form.get("token", ""))).unlink(missing_ok=True)
    raise web.HTTPSeeOther("/admin/subsidies")


@routes.get("/lookup")
async def lookup_form(request: web.Request) -> web.Response:
    scope.require(staff_of(request), scope.ACTING_ROLES)
    return render(request, "lookup.html", {"result": None})


@routes.post("/lookup")
async def lookup_run(request: web.Request) -> web.Response:
    """By POST only: the ID number never appears in a URL. Scoped to the staff member's township, audited."""
    from handlers.subsidies.lookup import lookup, scope_of

    staff = staff_of(request)
    scope.require(staff, scope.ACTING_ROLES)
    form = await request.post()
    result = await lookup(str(form.get("id_number", ""))[:32], str(form.get("name", ""))[:32], channel="panel",
                          actor=f"staff:{staff.id}", services=services_of(request), scope=scope_of(staff))
    return render(request, "lookup.html", {"result": result})
