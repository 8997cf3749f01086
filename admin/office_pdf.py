"""Word → PDF with LibreOffice headless (`soffice --convert-to pdf`), when this machine has it.

Debian's libreoffice-writer-nogui (.ci/run installs it where it can). Where it is
missing, `available()` is False and the panel says the PDF is unavailable instead of
failing. Each conversion gets its own LibreOffice profile directory (two at once
would otherwise fight over one profile's lock) and a time limit; one runs at a time
per process, since each start costs a few hundred MB.
"""
from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

TIMEOUT_S = 90.0
_ONE_AT_A_TIME = asyncio.Semaphore(1)


class ConversionFailed(RuntimeError):
    pass


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


async def docx_to_pdf(docx: bytes) -> bytes:
    """The PDF of a .docx; ConversionFailed when LibreOffice is missing, fails or hangs."""
    exe = soffice()
    if exe is None:
        raise ConversionFailed("LibreOffice is not installed")
    async with _ONE_AT_A_TIME:
        with tempfile.TemporaryDirectory(prefix="qf-pdf-") as tmp:
            work = Path(tmp)
            (work / "doc.docx").write_bytes(docx)
            proc = await asyncio.create_subprocess_exec(
                exe, "--headless", "--norestore", "--nologo", f"-env:UserInstallation=file://{work / 'profile'}",
                "--convert-to", "pdf", "--outdir", str(work), str(work / "doc.docx"),
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
            try:
                _, err = await asyncio.wait_for(proc.communicate(), TIMEOUT_S)
            except asyncio.TimeoutError:
                proc.kill()
                await proc.wait()
                raise ConversionFailed(f"LibreOffice took longer than {TIMEOUT_S:.0f} s") from None
            pdf = work / "doc.pdf"
            if proc.returncode != 0 or not pdf.exists():
                raise ConversionFailed(f"LibreOffice exited {proc.returncode}: {err.decode(errors='replace')[-300:]}")
            return pdf.read_bytes()
