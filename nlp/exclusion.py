"""SPEC Routing rule 6: the reporter asks that the township office not handle it."""
from __future__ import annotations

import re

_OFFICE = r"(?:镇|乡|街道|镇上|乡里|镇里|乡镇|镇纪委|乡纪委)"
_HAND = rf"(?:再)?(?:转|交|发|给|让|告诉|转给|交给|转到|转交)(?:到|给)?{_OFFICE}"
_ONE_GANG = r"(?:的人)?(?:和|跟|与)(?:他|他们|村里|村干部)是一伙"
# "不要转给镇上", "不信任乡里", "镇上的人和他是一伙". Every alternative starts with a literal
# character (the office words spelled out: 镇(?:上|里|纪委)? is 镇, 镇上, 镇里, 镇纪委), so the re
# engine skips to the positions where one of 不别千请镇乡街 stands instead of trying every position.
_EXCLUDE = re.compile(
    rf"不(?:要|能|想|愿|希望){_HAND}|别{_HAND}|千万别{_HAND}|请勿{_HAND}"
    rf"|不(?:相)?信(?:任)?{_OFFICE}"
    rf"|镇(?:上|里|纪委)?{_ONE_GANG}|乡(?:里|镇|纪委)?{_ONE_GANG}|街道{_ONE_GANG}"
)


def detect_exclusion(text: str) -> bool:
    return _EXCLUDE.search(text) is not None
