"""Text normalisation shared by every analysis step.

normalize(): zero-width and control characters removed, NFKC (full-width ＡＢＣ１２３ and
punctuation to half-width), traditional characters to simplified (zhconv, only when a
traditional-only character is present: the common case pays one set test), lower case.
is_pinyin_only(): a message typed in pinyin without characters ("cun zhang tan wu"), which
the chat asks to be written again in characters.
"""
from __future__ import annotations

import re
import unicodedata

# Bound the work per message: WeChat needs an answer within 5 s, and what decides the
# category and place of a report is in its first few thousand characters.
MAX_CHARS = 5000

# Zero-width spaces/joiners, direction marks, word joiner, BOM, soft hyphen, variation selectors.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ufe00-\ufe0f]")

_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_HALF_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "}


def _half(m: re.Match[str]) -> str:
    return _HALF_WIDTH[m.group()]

_TRAD_ONLY: tuple[re.Pattern[str], frozenset[str]] | None = None


def _trad_only() -> tuple[re.Pattern[str], frozenset[str]]:
    """zhconv's traditional-only characters as (a pattern, the ones beyond the BMP). The pattern is a
    class of those within the BMP or any character beyond it: a search scans the text in C (~0.5 µs for
    130 characters, where a set test made a str of every character, ~4 µs). The few beyond the BMP
    are left to a set test (in a class they would be tried one by one at every character)."""
    global _TRAD_ONLY
    if _TRAD_ONLY is None:
        from zhconv import zhconv

        zhconv.getdict("zh-hans")  # loads the tables, TRADONLY among them
        chars = sorted(c for c in zhconv.zhcdicts["TRADONLY"] if len(c) == 1)  # a set test met only these
        bmp = "".join(re.escape(c) for c in chars if c <= "\uffff")
        _TRAD_ONLY = re.compile(f"[{bmp}]|[\U00010000-\U0010ffff]"), frozenset(c for c in chars if c > "\uffff")
    return _TRAD_ONLY


def _has_traditional(text: str) -> bool:
    pattern, beyond_bmp = _trad_only()
    return any(m.group() <= "\uffff" or m.group() in beyond_bmp for m in pattern.finditer(text))


def to_simplified(text: str) -> str:
    if not _has_traditional(text):
        return text
    from zhconv import convert

    return convert(text, "zh-hans")


def normalize(text: str | None) -> str:
    if not text:
        return ""
    text = text[: MAX_CHARS * 2]
    text = _INVISIBLE.sub("", text)
    if not unicodedata.is_normalized("NFKC", text):  # the common case skips the copy
        # Full-width ASCII (，！？１２３) is most of what NFKC changes in a Chinese message; mapping it
        # directly is NFKC's own result (each is its decomposition, all of combining class 0) and
        # cheaper than normalize(), which runs only when something else is left.
        half = _FULL_WIDTH.sub(_half, text)  # half the cost of str.translate for these texts
        text = half if unicodedata.is_normalized("NFKC", half) else unicodedata.normalize("NFKC", text)
    text = to_simplified(text)
    return text[:MAX_CHARS].strip().lower()


# One pinyin syllable (tone numbers or marks folded by the caller): initial + final.
_SYLLABLE = (
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|in|un|vn|ia|ie|iu|ua|uo|ue|ve|ui|er|"
    r"a|o|e|i|u|v)"
)
_PINYIN_WORD = re.compile(rf"(?:{_SYLLABLE})+")
_LATIN_WORD = re.compile(r"[a-zü]+")


def is_pinyin_only(text: str) -> bool:
    """True for a message of pinyin words and no Chinese characters (at least 3 words)."""
    t = unicodedata.normalize("NFKD", normalize(text))
    t = "".join(c for c in t if not unicodedata.combining(c)).replace("ü", "v")
    if re.search(r"[\u4e00-\u9fff]", t):
        return False
    words = _LATIN_WORD.findall(t)
    if len(words) < 3:
        return False
    pinyin = sum(1 for w in words if _PINYIN_WORD.fullmatch(w))
    return pinyin / len(words) >= 0.8


def visible_length(text: str) -> int:
    """Characters a reader sees: not whitespace, not format characters (zero-width spaces and joiners,
    direction overrides and isolates, BOM — Unicode category Cf), not other invisible controls."""
    return sum(1 for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc", "Zs", "Co", "Cn"))
