"""Similar-report detection for linking (SPEC: same village and category, similar text).

Two measures over character bigrams of the text with punctuation, digits and spaces
removed (short villager messages rarely share whole words, but paraphrases share bigrams):
- `similarity(a, b)`: Jaccard index of the bigram sets, 0–1. `is_similar` uses
  SIMILARITY_THRESHOLD = 0.3: on our labelled pairs, retellings of the same incident
  score 0.3–0.7 while different incidents of the same category score below 0.2.
- `simhash(text)`: a 64-bit SimHash (as a signed int64, so it fits a BIGINT column) for
  finding candidates in the database cheaply; near-duplicates differ in ≤ 3 bits
  (SIMHASH_MAX_DISTANCE). The caller still confirms a link with `similarity`.
The caller restricts candidates to the same village and category; this module only
compares texts.

Linking (handlers/cases/linking.py) asks a different question: `same_matter(a, b)` over two
`nlp.matter.Matter` readings — the same accused (post, or name digest) and the same matter (fund or
asset, act, period), by meaning rather than shared characters: hard refusals (another post, name, fund or
date) and then a weighted score of the evidence. See docs/BENCHMARKS-linking.md for its precision and recall
on nlp/data/linking_pairs*.jsonl beside `similarity`.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from nlp.matter import Matter
from nlp.text import normalize

SIMILARITY_THRESHOLD = 0.3
SIMHASH_MAX_DISTANCE = 3
_NOISE = re.compile(r"[\W\d_]+", re.UNICODE)
_MASK64 = (1 << 64) - 1


def shingles(text: str) -> set[str]:
    s = _NOISE.sub("", normalize(text))
    if len(s) < 2:
        return {s} if s else set()
    return {s[i : i + 2] for i in range(len(s) - 1)}


def similarity(a_text: str, b_text: str) -> float:
    a, b = shingles(a_text), shingles(b_text)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def is_similar(a_text: str, b_text: str, threshold: float = SIMILARITY_THRESHOLD) -> bool:
    return similarity(a_text, b_text) >= threshold


def _h64(s: str) -> int:
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "big")


def simhash(text: str) -> int:
    """64-bit SimHash of the bigram shingles, returned as a signed int64."""
    counts = [0] * 64
    for sh in shingles(text):
        h = _h64(sh)
        for bit in range(64):
            counts[bit] += 1 if (h >> bit) & 1 else -1
    value = sum(1 << bit for bit in range(64) if counts[bit] > 0) & _MASK64
    return value - (1 << 64) if value >= 1 << 63 else value


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & _MASK64).bit_count()


# same_matter's evidence, each 0–1, and its weight: chosen on the development pairs (nlp/data/linking_pairs.jsonl and
# held-out 1–4), where no pair of two matters that the refusals let through scored above 0.09, and 4 of 201
# retellings of one matter scored below the threshold (docs/BENCHMARKS-linking.md).
SAME_MATTER_THRESHOLD = 0.3
# SPEC: linked reports share a category. One matter the classifier filed under two rows still meets when both name
# the same accused and the rest agrees more than the threshold asks; measured in docs/BENCHMARKS-linking.md.
CROSS_CATEGORY_THRESHOLD = 0.35
WEIGHTS = {"object": 0.2, "act": 0.15, "other_act": -0.15, "category": 0.1, "pairs": 0.3, "chars": 0.25}
PAIRS_FULL, CHARS_FULL = 0.2, 0.3  # the weighted cosine at which shared pairs / characters count in full


@dataclass(frozen=True)
class MatterMatch:
    score: float  # 0–1
    same: bool
    reason: str  # one line, Chinese, names no one (shown to staff beside the link)


def _names_agree(a: Matter, b: Matter) -> bool | None:
    """True: a name in common; False: both name someone, never the same person; None: not both named."""
    if not a.names or not b.names:
        return None
    return any(sa == sb and (not fa or not fb or fa == fb) for sa, fa in a.names for sb, fb in b.names)


def _refusal(a: Matter, b: Matter) -> str:
    """Why two reports cannot be one matter whatever their words share ("" when nothing forbids it)."""
    names = _names_agree(a, b)
    ta, tb = a.specific_titles, b.specific_titles
    if names is False:
        return "被反映人姓名不同"
    if ta and tb and not ta & tb and not names:
        return "被反映人职务不同"
    if a.objects and b.objects and not a.objects & b.objects:
        return "反映的事项不同"
    if (a.dates and b.dates and not a.dates & b.dates) or (a.years and b.years and not a.years & b.years):
        return "时间不同"
    return ""


def evidence(a: Matter, b: Matter) -> dict[str, float]:
    """What speaks for one matter, each 0–1 (WEIGHTS says how much)."""
    from nlp.matter import pieces, salience

    pair_weights, char_weights = salience()
    # A concept both share is counted once, as the concept: its words do not count again as shared text.
    counted = frozenset({"object:" + o for o in a.objects & b.objects} | {"act:" + x for x in a.acts & b.acts})
    (pa, ca), (pb, cb) = pieces(a, counted), pieces(b, counted)
    return {"object": float(bool(a.objects & b.objects)), "act": float(bool(a.acts & b.acts)),
            "other_act": float(bool(a.acts and b.acts and not a.acts & b.acts)),
            # SPEC: the same category, the second row the text fits counting; a matter the classifier filed under
            # two rows still meets when what the two reports say agrees enough.
            "category": float(bool(a.categories & b.categories)),
            "pairs": min(1.0, pair_weights.cosine(pa, pb) / PAIRS_FULL),
            "chars": min(1.0, char_weights.cosine(ca, cb) / CHARS_FULL)}


def same_matter(a: Matter, b: Matter, threshold: float = SAME_MATTER_THRESHOLD) -> MatterMatch:
    """Whether two reports of one village accuse the same cadre of the same thing.

    Another accused (post or name), another fund the concept table knows, or another date or year: never. Else a
    score: the same fund and act by the table, a shared category, and what the two texts share weighed by how rare
    it is among villagers' messages (`nlp.salience`). Two reports filed under different categories (neither row
    shared) meet only when both name the same accused and the score reaches CROSS_CATEGORY_THRESHOLD."""
    refused = _refusal(a, b)
    if refused:
        return MatterMatch(0.0, False, refused)
    score = round(max(0.0, sum(WEIGHTS[k] * v for k, v in evidence(a, b).items())), 4)
    if a.categories and b.categories and not a.categories & b.categories:  # the classifier filed them apart
        if not _accused_agree(a, b):
            return MatterMatch(score, False, "类别不同,也没有指向同一被反映人")
        threshold = max(threshold, CROSS_CATEGORY_THRESHOLD)
    same = score >= threshold
    return MatterMatch(score, same, _reason(a, b) if same else "相似程度不够")


def _accused_agree(a: Matter, b: Matter) -> bool:
    return bool(a.specific_titles & b.specific_titles) or bool(_names_agree(a, b))


def _reason(a: Matter, b: Matter) -> str:
    parts = ["同一被反映人" if _accused_agree(a, b) else "",
             "同一事项(" + "、".join(sorted(a.objects & b.objects)) + ")" if a.objects & b.objects else "",
             "同一行为" if a.acts & b.acts else ""]
    return ",".join(p for p in parts if p) or "内容相近"
