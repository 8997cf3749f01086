"""Turning a segmented message into the category model's features.

- jieba words (content words; numbers collapse to <num>);
- character 1–3-grams over the runs of Chinese characters: they carry words the
  dictionary splits differently, typos (底保) and unseen compounds (a 2–3-character word
  and the same n-gram are one feature);
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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Features:
    # Words and n-grams as they occur (repeats included: the scorer drops them in one C-level
    # pass); each present feature is worth `scale`. Presence, not counts: counts scored higher
    # on the validation part (0.842 against 0.816) but let a long repeated phrase outvote the
    # tip (tests/nlp/test_category.py::test_very_long_text_is_bounded_in_time).
    present: list[str]
    weighted: dict[str, float]  # keyword features with their summed weights
    # 1.0. (1/√n, TF-IDF-like length normalisation, scored lower on the validation part.)
    scale: float = 1.0

    def as_dict(self) -> dict[str, float]:
        return {**dict.fromkeys(self.present, self.scale), **self.weighted}


def features(
    tokens: Iterable[str], places: AbstractSet[str], keywords: KeywordTable, categories: tuple[str, ...]
) -> Features:
    out: list[str] = []
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
            out.append("<num>")
        elif tok.isascii():
            if tok.isalpha() and len(tok) > 1:
                out.append(tok)
        elif len(tok) > 1:
            out.append(tok)
    text = "".join(run)
    for piece in _CJK_RUN.findall(text):
        out.extend(piece)
        out.extend(map(piece.__getitem__, map(slice, range(len(piece) - 1), range(2, len(piece) + 1))))
        out.extend(map(piece.__getitem__, map(slice, range(len(piece) - 2), range(3, len(piece) + 1))))
    if TITLE_CUE.search(text):
        out.append("@title")
    if ASK_CUE.search(text):
        out.append("@ask")
    weighted = {"@kw:" + categories[idx]: total for idx, total in kw.items()}
    return Features(out, weighted)


def keyword_hits(tokens: Iterable[str], keywords: KeywordTable) -> list[str]:
    return list(dict.fromkeys(t for t in tokens if t in keywords))
