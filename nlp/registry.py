"""The jurisdiction registry (county → townships → villages) as an in-memory index.

Built from the registry JSON format (contracts/registry.example.json); the database
exports exactly the same dict shape, so both paths go through `RegistryIndex.from_dict`.
Besides lookups by code it keeps a name index (names, aliases and derived short names)
that place extraction and the jieba dictionary use.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

# Suffixes stripped to derive short names: 胡家庄村 → 胡家庄, 南坝镇 → 南坝.
_VILLAGE_SUFFIXES = ("社区", "村")
_TOWNSHIP_SUFFIXES = ("街道", "镇", "乡")


@dataclass(frozen=True)
class Village:
    code: str
    name: str
    township: str
    aliases: tuple[str, ...] = ()
    elevated: bool = False


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    commission: str
    aliases: tuple[str, ...] = ()
    zone: str = ""
    villages: tuple[str, ...] = ()


def _short(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return ""


@dataclass
class RegistryIndex:
    county_code: str
    county_name: str
    county_commission: str
    townships: dict[str, Township]
    villages: dict[str, Village]
    zones: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # mention (name / alias / short name) → codes; explicit names win over derived ones.
    township_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    village_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fingerprint: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "RegistryIndex":
        county = d["county"]
        zone_of: dict[str, str] = {}
        zones: dict[str, tuple[str, ...]] = {}
        for zone in d.get("zones", []) or []:
            zones[str(zone["id"])] = tuple(str(t) for t in zone.get("townships", []))
            for t in zone.get("townships", []):
                zone_of[str(t)] = str(zone["id"])
        townships: dict[str, Township] = {}
        villages: dict[str, Village] = {}
        for t in d.get("townships", []) or []:
            tcode = str(t["code"])
            vcodes: list[str] = []
            for v in t.get("villages", []) or []:
                vcode = str(v["code"])
                vcodes.append(vcode)
                villages[vcode] = Village(
                    code=vcode,
                    name=v["name"],
                    township=tcode,
                    aliases=tuple(a for a in v.get("aliases", []) or [] if a),
                    elevated=bool(v.get("elevated", False)),
                )
            townships[tcode] = Township(
                code=tcode,
                name=t["name"],
                commission=t.get("commission") or f"{t['name']}纪委",
                aliases=tuple(a for a in t.get("aliases", []) or [] if a),
                zone=zone_of.get(tcode, ""),
                villages=tuple(vcodes),
            )
        canonical = json.dumps(d, ensure_ascii=False, sort_keys=True)
        index = cls(
            county_code=str(county["code"]),
            county_name=county["name"],
            county_commission=county.get("commission") or f"{county['name']}纪委监委",
            townships=townships,
            villages=villages,
            zones=zones,
            fingerprint=hashlib.sha1(canonical.encode("utf-8")).hexdigest(),
        )
        index._build_name_index()
        return index

    @classmethod
    def from_file(cls, path: str | Path) -> "RegistryIndex":
        with open(path, encoding="utf-8") as fh:
            return cls.from_dict(json.load(fh))

    def _build_name_index(self) -> None:
        tnames: dict[str, list[str]] = {}
        for t in self.townships.values():
            for mention in (t.name, *t.aliases):
                tnames.setdefault(mention, []).append(t.code)
        # Derived short names only where no explicit name claims the string.
        for t in self.townships.values():
            short = _short(t.name, _TOWNSHIP_SUFFIXES)
            if short and short not in tnames:
                tnames[short] = [t.code]
        vnames: dict[str, list[str]] = {}
        for v in self.villages.values():
            for mention in (v.name, *v.aliases):
                if mention not in tnames:
                    vnames.setdefault(mention, []).append(v.code)
        for v in self.villages.values():
            short = _short(v.name, _VILLAGE_SUFFIXES)
            if not short or short in tnames:
                continue
            holders = vnames.setdefault(short, [])
            # Two villages both called 石桥村 are both "石桥": the short name stays ambiguous
            # even if an admin gave it as an alias of one of them.
            if not holders or any(self.villages[c].name == v.name for c in holders):
                holders.append(v.code)
        # Common variants villagers write: 南坝乡 for 南坝镇, 胡家庄村委会 / 胡家庄村委 for 胡家庄村 —
        # only where no real name claims the string.
        for t in self.townships.values():
            base = _short(t.name, _TOWNSHIP_SUFFIXES)
            for variant in (base + s for s in _TOWNSHIP_SUFFIXES) if base else ():
                if variant not in tnames and variant not in vnames:
                    tnames[variant] = [t.code]
        for v in self.villages.values():
            for variant in (v.name + "委会", v.name + "委", v.name + "民委员会") if v.name.endswith("村") else ():
                if variant not in tnames:
                    vnames.setdefault(variant, [])
                    if v.code not in vnames[variant]:
                        vnames[variant].append(v.code)
        self.township_names = {k: tuple(dict.fromkeys(v)) for k, v in tnames.items()}
        self.village_names = {k: tuple(dict.fromkeys(v)) for k, v in vnames.items()}

    def place_words(self) -> set[str]:
        """Every string that names a township or village: these become jieba tokens."""
        return set(self.township_names) | set(self.village_names)

    def is_ambiguous_village(self, mention: str) -> bool:
        return len(self.village_names.get(mention, ())) > 1

    def township_of(self, village_code: str) -> str:
        v = self.villages.get(village_code)
        return v.township if v else ""

    def commission_name(self, code: str) -> str:
        if code == self.county_code:
            return self.county_commission
        t = self.townships.get(code)
        return t.commission if t else ""

    def place_label(self, township: str, village: str = "") -> str:
        """Human label such as 南坝镇胡家庄村 for reasons shown to staff."""
        t = self.townships.get(township)
        v = self.villages.get(village)
        return (t.name if t else "") + (v.name if v else "")
