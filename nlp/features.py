"""Turning segmented text into category-model features.

Place names are dropped so the model learns what happened, not where: a model trained
on the demo county then works unchanged on another county's reports. Digits collapse to
one feature (amounts and dates matter only as "there is a number").
"""
from __future__ import annotations

import re
from typing import AbstractSet, Iterable

_SKIP = frozenset(" \t\r\n，。！？、；：“”‘’（）《》【】—…,.!?;:'\"()[]{}<>/\\|-_=+*&^%$#@~`·　")
_STOP = frozenset("的 了 是 我 我们 你 他 她 它 在 和 也 就 都 还 说 这 那 个 吗 呢 吧 啊 呀 有 被 把 给 对 与 及 等 着 过".split())


def features(tokens: Iterable[str], places: AbstractSet[str]) -> set[str]:
    """Content tokens plus character bigrams (prefixed #): bigrams let the model use
    words it has not seen whole (招待费 shares 招待 with 招待).
    """
    out: set[str] = set()
    run: list[str] = []
    for tok in tokens:
        if tok in places:
            run.append("|")  # no bigram across a removed place name
            continue
        run.append(tok)
        if tok in _STOP:
            continue
        tok = tok.strip()
        if not tok or tok in _SKIP:
            continue
        if tok.isdigit():
            out.add("<num>")
        elif tok.isascii() and not tok.isalpha():
            continue
        else:
            out.add(tok)
    for piece in _CJK_RUN.findall("".join(run)):
        out.update(["#" + piece[i : i + 2] for i in range(len(piece) - 1)])
    return out


_CJK_RUN = re.compile("[\u4e00-\u9fff]{2,}")
