"""What a report is about, for linking: the accused (post, name) and the matter (fund or asset, act, period).

`matter(text, category)` reads a report into a `Matter`: the posts it accuses (会计, 书记 …, from
nlp/data/matter_concepts.tsv with their synonyms: 村支书/支书/书记 are one post), the accused's name
as short digests only (a name is personal data: it is compared, never kept or shown), the objects
(低保/最低生活保障 are one, 危房改造/危改 another), the acts (克扣/截留/少发; 优亲厚友/照顾亲戚), the
years and dates it names, and what else it says: its character pairs and characters (names, place
names and posts masked, function characters dropped; the caller compares reports of one village),
which `nlp.salience` weighs so that a rare word both reports say counts more than a common one.
Concepts are matched on the normalised text (traditional characters converted, full-width folded), so
a retelling in other words, in traditional characters or with a dialect word listed in the table
reads the same.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nlp.salience import Salience
from nlp.text import normalize

CONCEPTS_PATH = Path(__file__).parent / "data" / "matter_concepts.tsv"
GENERIC_TITLE = "干部"  # "村干部", "村委": some post of the village, not which one
KINDS = ("title", "object", "act")

# Common surnames: a name is only read next to a post or as 姓X / X某 / 老X, so the list can stay short.
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
            "沈姚卢姜崔钟谭陆汪范金廖贾夏韦付白邹孟熊秦邱尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵严覃武戴莫孔汤")
_S = f"[{SURNAMES}]"
# What ends a given name after a post: "会计王建国把…", "书记李某某说…" (and never starts one)
_ENDS = ",。!?、;:的把将让给在对从说不没就也还又是跟和与私吃拿收要扣用经带"
_NAME_END = f"(?=$|[{_ENDS}])"
_YEAR = re.compile(r"(20\d\d)\s*年")
_DATE = re.compile(r"20\d\d-\d\d-\d\d")
# A place name before 村/镇/乡/社区 (the caller compares one village's reports: its name says nothing); a run of
# characters that holds a function character is no place ("去问村主任").
_PLACE = re.compile(r"[^\W\d_的了着过在去问到把被给从向跟和与我你他们这那是个各全本外]{2,4}(?:村|镇|乡|社区|街道)"
                    r"(?![民委里干部务账集])")
_FUNCTION_CHARS = frozenset("的了着过吗呢吧啊呀么我你他她它们这那是在和与跟就才都也还又再很太把被让叫对向从往于为说")
_RUN = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True)
class Matter:
    titles: frozenset[str]  # canonical posts; GENERIC_TITLE when only "村干部" is said
    names: frozenset[tuple[str, str]]  # (surname digest, full-name digest or "") — never the name itself
    objects: frozenset[str]
    acts: frozenset[str]
    years: frozenset[str]
    dates: frozenset[str]
    # What else it says (posts, places and names masked; nlp.salience weighs them): character pairs and characters
    # outside the concepts (a retelling in other words still shares some: 校舍 / 学校), and the concepts' forms
    pairs: frozenset[str]
    chars: frozenset[str]
    forms: frozenset[tuple[str, str]]  # ("object:低保", "低保钱"), ("act:克扣", "扣了")
    # The report's category and the second row its text fits (SPEC: many messages fit two rows, an act
    # and a domain): two retellings filed under different rows still share one of them.
    categories: frozenset[str] = frozenset()

    @property
    def specific_titles(self) -> frozenset[str]:
        return self.titles - {GENERIC_TITLE}


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, re.Pattern[str]], dict[str, dict[str, str]]]:
    """Per kind: one longest-first pattern over all its surface forms, and form → concept."""
    forms: dict[str, dict[str, str]] = {k: {} for k in KINDS}
    for line in CONCEPTS_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, concept, words = line.split("\t")
        for w in words.split():
            forms[kind][normalize(w)] = concept
    patterns = {k: re.compile("|".join(re.escape(w) for w in sorted(f, key=len, reverse=True)))
                for k, f in forms.items()}
    return patterns, forms


def concepts(text: str, kind: str) -> frozenset[str]:
    patterns, forms = _table()
    return frozenset(forms[kind][m.group(0)] for m in patterns[kind].finditer(text))


def _digest(value: str) -> str:
    return hashlib.blake2b(f"accused:{value}".encode(), digest_size=6).hexdigest()


def _names(text: str) -> tuple[frozenset[tuple[str, str]], str]:
    """The accused's names as digests (会计王建国 / 王会计 / 姓王的 / 王某 / 老王), and the text without them."""
    patterns, _ = _table()
    title = patterns["title"].pattern
    found: set[tuple[str, str]] = set()
    spans: list[tuple[int, int]] = []
    for m in re.finditer(f"(?:{title})({_S})(?![{_ENDS}])([\u4e00-\u9fff]{{1,2}}?){_NAME_END}", text):
        given = m.group(2)
        found.add((m.group(1), "" if given.startswith("某") or given in ("的", "家") else m.group(1) + given))
        spans.append((m.start(1), m.end(2)))
    for m in re.finditer(f"({_S})(?:某某|某|xx|x)|姓({_S})|(?<!养)老({_S})|({_S})(?={title})", text):
        found.add((next(g for g in m.groups() if g), ""))
        spans.append(m.span())
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return frozenset((_digest(s), _digest(full) if full else "") for s, full in found), text


def _pieces(runs: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Character pairs and characters of runs of text, those holding a function character dropped."""
    pairs = {r[i : i + 2] for r in runs for i in range(len(r) - 1) if not _FUNCTION_CHARS & set(r[i : i + 2])}
    return frozenset(pairs), frozenset(c for r in runs for c in r if c not in _FUNCTION_CHARS)


def _content(unnamed: str) -> tuple[frozenset[str], frozenset[str], frozenset[tuple[str, str]]]:
    """What a report says beyond whom it accuses and where: the pieces outside the concepts, and each concept's
    surface forms as ("kind:concept", form) (a concept both reports share is counted once, as the concept)."""
    patterns, forms = _table()
    rest = patterns["title"].sub(" ", _PLACE.sub(" ", unnamed))
    found: set[tuple[str, str]] = set()
    for kind in ("object", "act"):
        found.update((f"{kind}:{forms[kind][m.group(0)]}", m.group(0)) for m in patterns[kind].finditer(rest))
        rest = patterns[kind].sub(" ", rest)
    pairs, chars = _pieces(_RUN.findall(rest))
    return pairs, chars, frozenset(found)


def _with_forms(pairs: frozenset[str], chars: frozenset[str], forms: frozenset[tuple[str, str]],
                counted: frozenset[str] = frozenset()) -> tuple[frozenset[str], frozenset[str]]:
    extra_pairs, extra_chars = _pieces([form for concept, form in forms if concept not in counted])
    return pairs | extra_pairs, chars | extra_chars


def pieces(m: "Matter", counted: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The report's pairs and characters with the forms of its concepts, but those in `counted` ("object:低保" …)."""
    return _with_forms(m.pairs, m.chars, m.forms, counted)


@lru_cache(maxsize=1)
def salience() -> tuple[Salience, Salience]:
    """Weights of character pairs and of characters over the category model's messages (built once, ~0.3 s)."""
    from nlp.corpus import training_split

    docs = [_with_forms(*_content(_names(normalize(m.text))[1])) for m in training_split(include_validation=True)]
    return Salience(p for p, _ in docs), Salience(c for _, c in docs)


def _categories(text: str, category: str) -> frozenset[str]:
    from nlp.analyze import classify_category

    if not category:
        return frozenset()
    try:
        second = classify_category(text).category2
    except RuntimeError:  # no model trained: the filed category alone
        second = ""
    return frozenset(c for c in (category, second) if c and c != "other")


@lru_cache(maxsize=4096)
def matter(text: str, category: str = "") -> Matter:
    """`category`: the case's (filed or corrected by staff); "" compares the texts alone."""
    norm = normalize(text)
    names, unnamed = _names(norm)
    pairs, chars, forms = _content(unnamed)
    return Matter(titles=concepts(norm, "title"), names=names, objects=concepts(norm, "object"),
                  acts=concepts(norm, "act"), years=frozenset(_YEAR.findall(norm)),
                  dates=frozenset(_DATE.findall(norm)), pairs=pairs, chars=chars, forms=forms,
                  categories=_categories(text, category))
