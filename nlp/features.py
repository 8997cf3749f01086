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
from operator import add
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


def _word_feature(tok: str) -> str:
    """The feature a token gives as a word ("" for none): content words, numbers as <num>."""
    if tok in _STOP or tok in _SKIP:
        return ""
    if tok.isdigit():
        return "<num>"
    if tok.isascii():
        return tok if tok.isalpha() and len(tok) > 1 else ""
    return tok if len(tok) > 1 else ""


class _WordFeatures(dict[str, str]):
    """token → _word_feature(token), filled as tokens are met: a message's words are then
    mapped in one C-level pass. Bounded so that random text cannot grow it without end."""

    LIMIT = 200_000

    def __missing__(self, tok: str) -> str:
        feat = _word_feature(tok)
        if len(self) < self.LIMIT:
            self[tok] = feat
        return feat


_WORDS = _WordFeatures()


def features(
    tokens: Iterable[str], places: AbstractSet[str], keywords: KeywordTable, categories: tuple[str, ...]
) -> Features:
    tokens = tokens if isinstance(tokens, list) else list(tokens)
    if places.isdisjoint(tokens):
        words, text = tokens, "".join(tokens)
    else:
        words = [t for t in tokens if t not in places]
        text = "".join(["|" if t in places else t for t in tokens])  # no n-gram across a removed place name
    kw: dict[int, float] = {}
    for tok in filter(keywords.__contains__, words):  # summed in token order, as before
        for idx, weight in keywords[tok]:
            kw[idx] = kw.get(idx, 0.0) + weight
    out = list(filter(None, map(_WORDS.__getitem__, words)))
    for piece in _CJK_RUN.findall(text):
        # Concatenating neighbours costs a third less than slicing (no slice objects); the
        # characters are made into strings once and reused.
        chars = list(piece)
        out += chars
        bigrams = list(map(add, chars, chars[1:]))
        out += bigrams
        out += map(add, bigrams, chars[2:])
    if TITLE_CUE.search(text):
        out.append("@title")
    if ASK_CUE.search(text):
        out.append("@ask")
    weighted = {"@kw:" + categories[idx]: total for idx, total in kw.items()}
    return Features(out, weighted)


def keyword_hits(tokens: Iterable[str], keywords: KeywordTable) -> list[str]:
    return list(dict.fromkeys(t for t in tokens if t in keywords))
