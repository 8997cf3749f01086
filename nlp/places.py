"""Place extraction against the registry: which township and village a report is about.

Rules (SPEC "Import rules" and issue 4):
- a township or village is found by its full name, alias or short name (tokens);
- a village name shared by two townships (石桥村) resolves only with its township
  mentioned, or from the group the report came from; otherwise it gives no village;
- a report from a village group defaults to that group's village when it names none;
- a township mentioned in passing ("孙子在南坝镇读初中", "去东岭镇赶集") is not the place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

# What follows a township named only as where someone studies, works, shops or is treated.
_PASSING = re.compile(r"^(?:上|里)?(?:读|上学|念书|上初中|上高中|上小学|上班|打工|工作|住院|看病|赶集|买|开店|租房|住着|当老师|做生意)")

from nlp.registry import RegistryIndex, Village


@dataclass(frozen=True)
class Place:
    township: str = ""
    village: str = ""
    ambiguous: bool = False  # a village was named but could not be resolved
    mentioned: tuple[str, ...] = ()  # the place words found, for the reason line
    from_group: bool = False

    @property
    def known(self) -> bool:
        return bool(self.township)


def extract_place(
    tokens: Sequence[str], registry: RegistryIndex, *, group_village: str | None = None
) -> Place:
    tnames, vnames = registry.township_names, registry.village_names
    group = registry.villages.get(group_village or "")
    named = tnames.keys() & tokens | vnames.keys() & tokens  # found in C; the loop visits only these
    if not named:
        # No place named (most messages): what the loop below would conclude, without walking the tokens.
        if group:
            return Place(group.township, group.code, False, (), True)
        return Place("", "", True, ())
    at = [i for i, tok in enumerate(tokens) if tok in named]
    towns: list[str] = []
    village_mentions: list[tuple[str, tuple[str, ...]]] = []
    for i in at:
        tok = tokens[i]
        if tok in tnames and not _PASSING.match("".join(tokens[i + 1 : i + 4])):
            for code in tnames[tok]:
                if code not in towns:
                    towns.append(code)
        if tok in vnames:
            village_mentions.append((tok, vnames[tok]))
    mentioned = tuple(dict.fromkeys([tokens[i] for i in at]))
    ambiguous = False
    for _, candidates in village_mentions:
        chosen = _resolve(candidates, towns, group, registry)
        if chosen:
            return Place(registry.township_of(chosen), chosen, False, mentioned)
        ambiguous = True
    if towns:
        # With several townships named, the first is the one the report is about.
        if group and group.township == towns[0]:
            return Place(group.township, group.code if not ambiguous else "", False, mentioned, True)
        return Place(towns[0], "", False, mentioned)
    if group and not ambiguous:
        return Place(group.township, group.code, False, mentioned, True)
    return Place("", "", True, mentioned)


def _resolve(
    candidates: tuple[str, ...], towns: list[str], group: Village | None, registry: RegistryIndex
) -> str:
    if len(candidates) == 1:
        return candidates[0]
    in_towns = [c for c in candidates if registry.township_of(c) in towns]
    if len(in_towns) == 1:
        return in_towns[0]
    code = group.code if group else ""
    if code in candidates:
        return code
    group_town = group.township if group else ""
    in_group_town = [c for c in candidates if registry.township_of(c) == group_town]
    return in_group_town[0] if len(in_group_town) == 1 else ""
