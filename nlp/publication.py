"""Pure text rules of the publication features: which listed power a question asks about, and which
village a villager names when asked for theirs.

    index = PowerIndex.build([PowerEntry("P03", "低保申请", ("低保", "最低生活保障"))])
    match_power_question("低保怎么申请", index)  -> PowerMatch(code="P03", ...)
    find_village("我是东岭镇石桥村的", registry)   -> VillageChoice(code="610798102202")

A question needs a power's word and a question's word ("怎么", "要多久", "需要什么材料"); a text that
names an official or a wrong is a report, not a question, and never matches here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from nlp.registry import RegistryIndex
from nlp.text import normalize

QUESTION = re.compile(
    r"怎么|怎样|如何|咋|要多久|多久|多长时间|几天|多少天|什么时候|时限|期限|需要什么|要什么|哪些材料|什么材料|"
    r"材料|手续|流程|程序|步骤|条件|找谁|谁(?:批|审|定|管|决定)|在哪|去哪|哪里办|能不能|可不可以|能否|办理")
# An official or a wrong named: a report ("低保怎么被村支书克扣了"), for the report flow.
ACCUSATION = re.compile(r"举报|反映|投诉|书记|支书|村长|主任|会计|干部|文书|克扣|扣了|贪|挪用|冒领|套取|红包|好处费|索要|"
                        r"优亲厚友|虚报|骗|不给办|卡着|刁难|打人")
MAX_QUESTION_CHARS = 60  # a long text is a story, not a question about a procedure


@dataclass(frozen=True)
class PowerEntry:
    code: str
    title: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class PowerMatch:
    code: str
    title: str
    word: str  # what matched


@dataclass
class PowerIndex:
    """Every word of every item, longest first, so 宅基地审批 wins over 审批."""

    words: list[tuple[str, PowerEntry]] = field(default_factory=list)
    by_code: dict[str, PowerEntry] = field(default_factory=dict)

    @classmethod
    def build(cls, entries: Iterable[PowerEntry]) -> "PowerIndex":
        idx = cls()
        for e in entries:
            idx.by_code[e.code] = e
            for w in dict.fromkeys((e.title, *e.words)):
                w = normalize(w)
                if len(w) >= 2:
                    idx.words.append((w, e))
        idx.words.sort(key=lambda p: -len(p[0]))
        return idx

    def find(self, text: str) -> PowerMatch | None:
        """The item whose longest word the text contains (title or keyword); None when none does."""
        for w, e in self.words:
            if w in text:
                return PowerMatch(e.code, e.title, w)
        return None


def match_power_question(text: str, index: PowerIndex) -> PowerMatch | None:
    """A question about a listed power ("低保怎么申请", "宅基地审批要多久"), or None."""
    t = re.sub(r"\s", "", normalize(text))
    if not t or len(t) > MAX_QUESTION_CHARS or ACCUSATION.search(t):
        return None
    if not QUESTION.search(t) and not t.endswith(("?", "吗", "呢")):
        return None
    return index.find(t)


@dataclass(frozen=True)
class VillageChoice:
    code: str = ""
    candidates: tuple[str, ...] = ()  # several villages of that name and no township to tell them apart

    @property
    def ambiguous(self) -> bool:
        return not self.code and len(self.candidates) > 1


def find_village(text: str, registry: RegistryIndex) -> VillageChoice:
    """The village a short answer names ("石桥村", "东岭镇石桥村", "胡家庄"); a township narrows a shared name."""
    t = re.sub(r"\s", "", normalize(text))
    towns = {c for name, codes in registry.township_names.items() if len(name) >= 2 and name in t for c in codes}
    found: list[str] = []
    for name in sorted(registry.village_names, key=len, reverse=True):
        if len(name) >= 2 and name in t:
            found = list(registry.village_names[name])
            break
    if not found:
        return VillageChoice()
    if len(found) == 1:
        return VillageChoice(found[0], tuple(found))
    narrowed = [c for c in found if registry.township_of(c) in towns]
    if len(narrowed) == 1:
        return VillageChoice(narrowed[0], tuple(found))
    return VillageChoice("", tuple(found))
