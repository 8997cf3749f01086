"""Labelled data: hand-written report bodies (corpus/sentences.tsv) filled with places.

Split: within each category every third body (the 3rd, 6th, …) is held out for test, so
test sentences are never trained on. Training bodies get places of the demo county only;
test bodies are instantiated twice, once with the demo county and once with the second
registry, whose place names the model never sees in training. Gold township/village
follow SPEC: an ambiguous village name without its township gives no place; a body
without a place may come from a village group, whose village is then the gold place.
Gold route_to applies SPEC routing to the gold labels.
"""
from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

from nlp.registry import RegistryIndex
from nlp.routing import route

DATA_DIR = Path(__file__).parent / "data"
SENTENCES = DATA_DIR / "corpus" / "sentences.tsv"
REGISTRIES = {"demo": DATA_DIR / "registry_demo.json", "second": DATA_DIR / "registry_second.json"}
SPLIT_FILES = {"train": DATA_DIR / "corpus" / "train.jsonl", "test": DATA_DIR / "corpus" / "test.jsonl"}
_LEVELS = {"v": "village", "t": "township", "c": "county", "u": "unknown"}
GROUP_SHARE = 0.35  # share of place-less bodies that come from a village group


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    category: str
    level: str
    exclude_township: bool
    registry: str
    group_village: str
    township: str
    village: str
    route_to: str


def read_bodies(path: Path = SENTENCES) -> Iterator[tuple[str, str, str, bool, str]]:
    """Yield (split, category, level, exclude, text)."""
    seen: dict[str, int] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            cat, lvl, flags, text = line.rstrip("\n").split("\t")
            n = seen[cat] = seen.get(cat, 0) + 1
            yield ("test" if n % 3 == 0 else "train"), cat, _LEVELS[lvl], "x" in flags, text


def _mentions(names: tuple[str, ...], rng: random.Random) -> str:
    return rng.choice(names)


def instantiate(i: int, cat: str, level: str, excl: bool, text: str, reg_name: str, reg: RegistryIndex) -> Example:
    rng = random.Random(f"{reg_name}:{text}")
    v = rng.choice(sorted(reg.villages.values(), key=lambda x: x.code))
    t = reg.townships[v.township]
    v_forms = tuple(n for n in reg.village_names if v.code in reg.village_names[n])
    t_forms = tuple(n for n in reg.township_names if t.code in reg.township_names[n])
    v_said, t_said = _mentions(v_forms, rng), _mentions(t_forms, rng)
    has_v, has_t = "{V}" in text, "{T}" in text
    filled = text.replace("{T}", t_said).replace("{V}", v_said)
    group = ""
    township = village = ""
    if has_v and (has_t or not reg.is_ambiguous_village(v_said)):
        township, village = t.code, v.code
    elif has_t:
        township = t.code
    elif not has_v and rng.random() < GROUP_SHARE:
        group, township, village = v.code, t.code, v.code
    decision = route(cat, township, village, level, reg, exclude_township=excl)
    return Example(f"{reg_name}-{i:04d}", filled, cat, level, excl, reg_name, group, township, village, decision.route_to)


def build() -> dict[str, list[Example]]:
    regs = {name: RegistryIndex.from_file(p) for name, p in REGISTRIES.items()}
    out: dict[str, list[Example]] = {"train": [], "test": []}
    for i, (split, cat, level, excl, text) in enumerate(read_bodies()):
        names = ("demo",) if split == "train" else ("demo", "second")
        for name in names:
            out[split].append(instantiate(i, cat, level, excl, text, name, regs[name]))
    return out


def write(out: dict[str, list[Example]]) -> None:
    for split, examples in out.items():
        with open(SPLIT_FILES[split], "w", encoding="utf-8") as fh:
            for ex in examples:
                fh.write(json.dumps(asdict(ex), ensure_ascii=False) + "\n")


def load_split(split: str) -> list[Example]:
    with open(SPLIT_FILES[split], encoding="utf-8") as fh:
        return [Example(**json.loads(line)) for line in fh if line.strip()]


def registries() -> dict[str, RegistryIndex]:
    return {name: RegistryIndex.from_file(p) for name, p in REGISTRIES.items()}
