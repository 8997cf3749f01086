"""Text normalisation shared by every analysis step."""
from __future__ import annotations

import unicodedata

# Bound the work per message: WeChat needs an answer within 5 s, and what decides the
# category and place of a report is in its first few thousand characters.
MAX_CHARS = 5000


def normalize(text: str | None) -> str:
    """NFKC folds full-width digits/letters (１２３, ＡＢＣ) to ASCII; lower-case pinyin."""
    if not text:
        return ""
    text = text[: MAX_CHARS * 2]
    if not unicodedata.is_normalized("NFKC", text):  # the common case skips the copy
        text = unicodedata.normalize("NFKC", text)
    return text[:MAX_CHARS].strip().lower()
