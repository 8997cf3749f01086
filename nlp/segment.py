"""jieba's accurate mode without the HMM (`Tokenizer.cut(text, HMM=False)`), token for token, faster.

jieba builds a DAG of the dictionary words starting at each character (`get_DAG`: two
dictionary lookups and a slice per prefix tried), then finds the best path backwards
(`calc`: a third lookup and a second slice per edge, a generator of tuples per character),
and yields through two nested generators. Here the two passes are one backward pass: each
prefix is sliced and looked up once, its log-probability computed in the same expression
and order as jieba's (`log(freq) - log(total) + best[end]`), ties resolved as jieba's `max`
over (score, end) tuples resolves them (the longer word), and the tokens are a list.
tests/nlp/test_segment.py holds the two to the same tokens on the corpora and random text.
"""
from __future__ import annotations

import re
from math import log
from typing import Mapping

# jieba 0.42's own patterns (jieba.re_han_default, re_skip_default, re_eng), named once here.
_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)")
_SKIP = re.compile("(\r\n|\\s)")
_ENG = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _cut_block(block: str, freq: Mapping[str, int], logtotal: float, out: list[str]) -> None:
    """The best path through one run of word characters, appended to `out`."""
    n = len(block)
    get = freq.get
    best = [0.0] * (n + 1)  # best[k]: the score of the best path from k to the end
    end = [0] * n  # end[k]: one past the last character of the word starting at k
    for k in range(n - 1, -1, -1):
        top: float | None = None
        stop = k + 1
        f = get(block[k])
        while f is not None:  # every prefix of a dictionary word is in FREQ (0 when not itself a word)
            if f:
                score = log(f) - logtotal + best[stop]
                if top is None or score >= top:  # an equal score: the longer word, as jieba's max
                    top, end[k] = score, stop
            if stop == n:
                break
            stop += 1
            f = get(block[k:stop])
        if top is None:  # no word starts here: the character alone, log(1) as in jieba
            best[k], end[k] = 0.0 - logtotal + best[k + 1], k + 1
        else:
            best[k] = top
    x, buf = 0, ""
    while x < n:
        y = end[x]
        word = block[x:y]
        if y - x == 1 and word in _ENG:  # single letters and digits run together, as jieba does
            buf += word
        else:
            if buf:
                out.append(buf)
                buf = ""
            out.append(word)
        x = y
    if buf:
        out.append(buf)


def cut(text: str, freq: Mapping[str, int], total: int) -> list[str]:
    """The tokens `jieba.Tokenizer.cut(text, HMM=False)` yields, for the tokenizer's FREQ and total."""
    out: list[str] = []
    logtotal = log(total)
    # re.split with one group: the runs of word characters at the odd places, what lies between at the even.
    for i, piece in enumerate(_HAN.split(text)):
        if not piece:
            continue
        if i % 2:
            _cut_block(piece, freq, logtotal, out)
            continue
        for part in _SKIP.split(piece):
            if _SKIP.match(part):
                out.append(part)
            else:
                out += part
    return out
