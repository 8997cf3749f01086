"""Turning segmented text into category-model features.

Place names are dropped so the model learns what happened, not where: a model trained
on the demo county then works unchanged on another county's reports. Digits collapse to
one feature (amounts and dates matter only as "there is a number").
"""
from __future__ import annotations

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
    text = "".join(run)
    out.update("#" + text[i : i + 2] for i in range(len(text) - 1) if _cjk(text[i]) and _cjk(text[i + 1]))
    return out


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"
