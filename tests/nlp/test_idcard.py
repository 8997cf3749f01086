"""ID numbers as villagers type them: GB 11643 checksum, birth date, 15 digits, letters, full-width, spaces."""
from __future__ import annotations

from datetime import date

import pytest

from nlp.idcard import (R_15, R_CHARS, R_CHECK, R_DATE, check_digit, check_id, extract_name, find_id_number,
                        make_id, mask_id, mask_name)

GOOD = make_id("610798", date(1956, 3, 12), 1)


def test_make_id_builds_numbers_that_pass_and_a_changed_check_char_fails() -> None:
    for born, seq in [(date(1956, 3, 12), 1), (date(2000, 2, 29), 999), (date(1971, 12, 31), 0)]:
        number = make_id("110105", born, seq)
        assert check_id(number).ok and check_id(number).birth == born
        for wrong in "0123456789X":
            if wrong != number[-1]:
                assert check_id(number[:-1] + wrong).reason == R_CHECK


def test_published_sample_number_checks() -> None:
    # The GB 11643 worked example: 11010519491231002X
    assert check_digit("11010519491231002") == "X"
    assert check_id("11010519491231002x").number == "11010519491231002X"


@pytest.mark.parametrize("typed", [
    GOOD,
    " ".join([GOOD[:6], GOOD[6:14], GOOD[14:]]),  # spaces
    GOOD[:6] + "-" + GOOD[6:],
    "".join(chr(ord(c) + 0xFEE0) for c in GOOD),  # full-width digits
])
def test_typing_variants_normalise_to_the_same_number(typed: str) -> None:
    assert check_id(typed).ok and check_id(typed).number == GOOD


@pytest.mark.parametrize("typed,reason", [
    (GOOD[:6] + GOOD[8:17], R_15),  # 15-digit old number
    (GOOD[:-1] + "A", R_CHARS),
    ("61079819560312001O", R_CHARS),  # letter O for zero
    (GOOD[:6] + "19560230" + GOOD[14:], R_DATE),  # 30 February
    (GOOD[:6] + "20990101" + GOOD[14:], R_DATE),  # born in the future
])
def test_invalid_numbers_are_refused_with_the_reason(typed: str, reason: str) -> None:
    r = check_id(typed)
    assert not r.ok and r.reason == reason


def test_wrong_length_says_how_many_digits_were_typed() -> None:
    r = check_id(GOOD[:-2])
    assert not r.ok and "16" in r.reason


def test_find_id_number_in_a_message_with_the_name() -> None:
    m = find_id_number(f"{GOOD} 胡大山")
    assert m is not None and m.check.ok and m.number == GOOD and extract_name(m.rest) == "胡大山"
    m = find_id_number(f"我叫胡大山,身份证号:{GOOD[:6]} {GOOD[6:]}")
    assert m is not None and m.number == GOOD and extract_name(m.rest) == "胡大山"
    m = find_id_number("旧证 " + GOOD[:6] + GOOD[8:17])
    assert m is not None and not m.check.ok and m.check.reason == R_15


def test_phone_numbers_and_plain_text_are_not_id_numbers() -> None:
    assert find_id_number("我的电话13800138000") is None
    assert find_id_number("查补贴") is None


def test_masking_keeps_only_what_a_villager_recognises() -> None:
    assert mask_id(GOOD) == GOOD[:4] + "*" * 10 + GOOD[-4:]
    assert mask_name("胡大山") == "胡*山" and mask_name("李四") == "李*" and mask_name("欧阳小明") == "欧**明"
