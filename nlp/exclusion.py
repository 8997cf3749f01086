"""SPEC Routing rule 6: the reporter asks that the township office not handle it."""
from __future__ import annotations

import re

_OFFICE = r"(?:镇|乡|街道|镇上|乡里|镇里|乡镇|镇纪委|乡纪委)"
_EXCLUDE = re.compile(
    rf"(?:不要|别|不能|不想|不愿|千万别|请勿|不希望)(?:再)?(?:转|交|发|给|让|告诉|转给|交给|转到|转交)(?:到|给)?{_OFFICE}"
    rf"|不(?:相)?信(?:任)?{_OFFICE}|{_OFFICE}(?:的人)?(?:和|跟|与)(?:他|他们|村里|村干部)是一伙"
)


def detect_exclusion(text: str) -> bool:
    return _EXCLUDE.search(text) is not None
