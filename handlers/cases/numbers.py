"""Case numbers (what villagers and staff quote) and 16-digit receipts (shown once; storage.receipts hashes them)."""
from __future__ import annotations

import re
import secrets
from datetime import datetime

CASE_NUMBER_RE = re.compile(r"QF\d{10}", re.IGNORECASE)
RECEIPT_RE = re.compile(r"(?<!\d)(\d{4}[\s-]?\d{4}[\s-]?\d{4}[\s-]?\d{4})(?!\d)")


def case_number(case_id: int, created: datetime) -> str:
    return f"QF{created.year}{case_id:06d}"


def new_receipt() -> str:
    return f"{secrets.randbelow(10**16):016d}"


def format_receipt(receipt: str) -> str:
    """Groups of four are easier to copy down by hand."""
    return " ".join(receipt[i:i + 4] for i in range(0, 16, 4))


def find_case_number(text: str) -> str | None:
    m = CASE_NUMBER_RE.search(text.replace(" ", ""))
    return m.group(0).upper() if m else None


def find_receipt(text: str) -> str | None:
    m = RECEIPT_RE.search(text.translate(str.maketrans("0123456789", "0123456789")))
    return re.sub(r"\D", "", m.group(1)) if m else None
