"""Turning a segmented message into the category model's features.

- jieba words (content words; numbers collapse to <num>);
- character 1–3-grams, prefixed "#", over the runs of Chinese characters: they carry
  words the dictionary splits differently, typos (底保) and unseen compounds;
- the keyword table as features: "@kw:<category>" is the sum of the weights of that
  category's phrases in the message. The model learns how much each is worth, so an
  admin's edit of the table moves the decision without retraining, and the phrases that
  fired are the readable part of the reason;
- a few cues: "@title" (an official's title is named), "@ask" (a question form).

Place names are dropped (a run is broken where one stood) so the model learns what
happened, not where: a model trained on the demo county works on another county's text.
"""
from __future__ import annotations

import re
from typing import AbstractSet, Iterable, Mapping

_SKIP = frozenset(" \t\r\n，。！？、；：“”‘’（）《》【】—…,.!?;:'\"()[]{}<>/\\|-_=+*&^%$#@~`·　")
_STOP = frozenset("的 了 是 我 我们 你 他 她 它 在 和 也 就 都 还 说 这 那 个 吗 呢 吧 啊 呀 有 被 把 给 对 与 及 等 着 过".split())
_CJK_RUN = re.compile("[\u4e00-\u9fff]+")
TITLE_CUE = re.compile(
    r"书记|支书|主任|村长|会计|文书|出纳|组长|队长|网格员|村干部|干部|两委|村委|监委会|镇长|乡长|所长|站长|局长|"
    r"工作人员|领导|民警|城管|县长|科长|股长"
)
ASK_CUE = re.compile(r"请问|想问|问一下|问问|咨询|怎么申请|如何|怎么办理|多少钱|什么时候|哪里可以|能不能|是不是|可以.{0,6}吗")

KeywordTable = Mapping[str, tuple[tuple[int, float], ...]]


def features(
    tokens: Iterable[str], places: AbstractSet[str], keywords: KeywordTable, categories: tuple[str, ...]
) -> dict[str, float]:
    out: dict[str, float] = {}
    run: list[str] = []
    kw: dict[int, float] = {}
    for tok in tokens:
        if tok in places:
            run.append("|")  # no n-gram across a removed place name
            continue
        run.append(tok)
        hit = keywords.get(tok)
        if hit is not None:
            for idx, weight in hit:
                kw[idx] = kw.get(idx, 0.0) + weight
        if tok in _STOP or tok in _SKIP:
            continue
        if tok.isdigit():
            out["<num>"] = 1.0
        elif tok.isascii():
            if tok.isalpha() and len(tok) > 1:
                out[tok] = 1.0
        elif len(tok) > 1:
            out[tok] = 1.0
    text = "".join(run)
    for piece in _CJK_RUN.findall(text):
        n = len(piece)
        for i in range(n):
            out["#" + piece[i]] = 1.0
            if i + 1 < n:
                out["#" + piece[i : i + 2]] = 1.0
                if i + 2 < n:
                    out["#" + piece[i : i + 3]] = 1.0
    for idx, total in kw.items():
        out["@kw:" + categories[idx]] = total
    if TITLE_CUE.search(text):
        out["@title"] = 1.0
    if ASK_CUE.search(text):
        out["@ask"] = 1.0
    return out


def keyword_hits(tokens: Iterable[str], keywords: KeywordTable) -> list[str]:
    return list(dict.fromkeys(t for t in tokens if t in keywords))
