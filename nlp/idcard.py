"""Resident ID numbers (公民身份号码, GB 11643-1999): validation, extraction, test data.

Pure and synchronous. An 18-character number is 6 digits of region, 8 of birth
date, 3 of sequence and a check character (0-9 or X) computed as ISO 7064
MOD 11-2. Villagers type full-width digits, spaces, a lower-case x: all
normalised before checking. The 15-digit numbers of before 1999 are refused
with a clear reason (they carry no check digit and were replaced long ago).

    check_id("6107 9819 5603 1200 10")  -> IdCheck(ok=True, number="610798195603120010", ...)
    find_id_number("610798195603120010 胡大山") -> IdMatch(number=..., rest="胡大山")
    make_id("610798", date(1956, 3, 12), 1) -> "610798195603120010"
"""
from __future__ import annotations

import operator
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from storage.china_time import today as china_today  # a birth date in China's calendar, as the ID office writes it

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
OLDEST_BIRTH_YEAR = 1890

# Reasons, in the plain Chinese a villager reads (the admin import report uses them too).
R_EMPTY = "没有填写身份证号"
R_15 = "这是15位的旧身份证号,请使用18位的新身份证号"
R_LENGTH = "身份证号应为18位(最后一位可以是X),现在是{n}位"
R_CHARS = "身份证号只能是数字,最后一位可以是X"
R_DATE = "身份证号中的出生日期不对"
R_CHECK = "身份证号最后一位校验不对,请核对后再发"

_SEPARATORS = re.compile(r"[\s\-_]+")
# In free text: 17 digits + digit/X, or 15 digits, not glued to other digits (separators allowed inside).
_CANDIDATE = re.compile(r"(?<![0-9])(?:[0-9][ \-]?){14}[0-9](?:[ \-]?[0-9]){0,2}(?:[ \-]?[0-9Xx])?(?![0-9Xx])")


@dataclass(frozen=True)
class IdCheck:
    ok: bool
    number: str  # normalised (upper-case X, no separators); "" when nothing usable
    reason: str = ""  # why it is refused, for the person who typed it
    birth: date | None = None


@dataclass(frozen=True)
class IdMatch:
    """An ID-like token found in a message, checked, with the text around it."""

    check: IdCheck
    rest: str  # the message without the number (e.g. the name after it)

    @property
    def number(self) -> str:
        return self.check.number


def normalise(raw: str) -> str:
    """Full-width to half-width (NFKC), separators dropped, x upper-cased."""
    if raw.isdigit() and raw.isascii():
        return raw
    text = unicodedata.normalize("NFKC", raw or "")
    return _SEPARATORS.sub("", text).upper()


def check_digit(first17: str) -> str:
    total = sum(map(operator.mul, map(int, first17), WEIGHTS))
    return CHECK_CHARS[total % 11]


def birth_date(number: str, *, today: date | None = None) -> date | None:
    """The birth date inside an 18-digit number, or None when it is not a real, past date."""
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if born.year < OLDEST_BIRTH_YEAR or born > (today or china_today()):
        return None
    return born


def check_id(raw: str, *, today: date | None = None) -> IdCheck:
    number = normalise(raw)
    if not number:
        return IdCheck(False, "", R_EMPTY)
    if len(number) == 15 and number.isdigit():
        return IdCheck(False, number, R_15)
    if not re.fullmatch(r"[0-9X]*", number):
        return IdCheck(False, number, R_CHARS)
    if len(number) != 18:
        return IdCheck(False, number, R_LENGTH.format(n=len(number)))
    if not number[:17].isdigit():
        return IdCheck(False, number, R_CHARS)
    born = birth_date(number, today=today)
    if born is None:
        return IdCheck(False, number, R_DATE)
    if check_digit(number[:17]) != number[17]:
        return IdCheck(False, number, R_CHECK)
    return IdCheck(True, number, "", born)


def is_valid_id(raw: str) -> bool:
    return check_id(raw).ok


def find_id_number(text: str) -> IdMatch | None:
    """The first ID-like number in `text` (18 or 15 digits, spaces allowed), checked.

    Returns None when the text holds nothing that looks like an ID number.
    Longer digit runs (bank cards, phone numbers glued together) are not IDs.
    """
    norm = unicodedata.normalize("NFKC", text or "")
    for m in _CANDIDATE.finditer(norm):
        digits = normalise(m.group())
        if len(digits) not in (15, 18):
            continue
        if len(digits) == 15 and not digits.isdigit():
            continue
        rest = (norm[: m.start()] + " " + norm[m.end():]).strip()
        return IdMatch(check_id(digits), rest)
    return None


def looks_like_id_attempt(text: str) -> bool:
    """A run of 12+ digits/X: probably an ID number typed wrong (too short, too long)."""
    return bool(re.search(r"[0-9]{12,}[Xx]?", normalise(unicodedata.normalize("NFKC", text or ""))))


_NAME = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff·•]{0,14}[\u4e00-\u9fff]|[\u4e00-\u9fff]")
_FILLER = re.compile(r"(我叫|我是|姓名[::]?|名字[::]?|身份证号?码?[::]?|本人)")


def extract_name(text: str) -> str:
    """A Chinese personal name in what is left of a message ("胡大山", "姓名:胡大山", "阿依古丽·买买提").

    Returns "" when there is none, or more than one candidate (then we ask).
    """
    cleaned = _FILLER.sub(" ", unicodedata.normalize("NFKC", text or ""))
    cleaned = re.sub(r"[,,。.;;::!!??、()()\[\]]", " ", cleaned)
    names = [n for n in _NAME.findall(cleaned) if 2 <= len(n) <= 15]
    return names[0] if len(names) == 1 else ""


def valid_name(name: str) -> bool:
    return bool(name) and _NAME.fullmatch(name) is not None and 2 <= len(name) <= 15


def make_id(region6: str, born: date, seq3: int | str) -> str:
    """A well-formed ID with the right check character — for tests and demo data only."""
    if not (len(region6) == 6 and region6.isdigit()):
        raise ValueError("region must be 6 digits")
    seq = f"{int(seq3):03d}"
    if len(seq) != 3:
        raise ValueError("sequence must be 0-999")
    first17 = f"{region6}{born:%Y%m%d}{seq}"
    return first17 + check_digit(first17)


def mask_id(number: str) -> str:
    """6107**********0010: region prefix and last four only."""
    return number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else "*" * len(number)


def mask_name(name: str) -> str:
    """胡*山, 李* — the first and last character of a longer name, the surname of a two-character one."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


__all__ = [
    "IdCheck", "IdMatch", "check_digit", "check_id", "extract_name", "find_id_number", "is_valid_id",
    "looks_like_id_attempt", "make_id", "mask_id", "mask_name", "normalise", "valid_name",
]


# ID numbers (18 or 15 digits, spaces or dashes allowed inside), mobile numbers (11 digits from 1[3-9],
# +86 allowed) and landlines (0 + area code + number) typed into free text.
_ID_IN_TEXT = re.compile(r"(?<![0-9])(?:[0-9][ \-]?){14}(?:(?:[0-9][ \-]?){3}[0-9Xx]|[0-9])(?![0-9Xx])")
_PHONE_IN_TEXT = re.compile(r"(?<![0-9])(?:\+?86[ \-]?)?1[3-9][0-9](?:[ \-]?[0-9]){8}(?![0-9])"
                            r"|(?<![0-9])0[0-9]{2,3}[ \-]?[0-9]{7,8}(?![0-9])")


def _mask_phone(m: re.Match[str]) -> str:
    digits = re.sub(r"[^0-9]", "", m.group())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:] if len(digits) > 7 else "*" * len(digits)


def mask_numbers_in_text(text: str) -> str:
    """Free text with every ID number and phone number masked (6107**********0010, 139****5678): what
    monitors, township staff, exports and notifications see; only a county reveal shows the text as typed."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id(re.sub(r"[ \-]", "", m.group())), text or "")
    return _PHONE_IN_TEXT.sub(_mask_phone, text)
