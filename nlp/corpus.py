"""The labelled messages the category model learns from, and the test split it is measured on.

- nlp/data/messages/*.tsv: narrative messages written for this project (see its README),
  one file per category. Every fifth row of each file is the validation part: what the
  training choices (regularisation, thresholds) are tuned on.
- nlp/data/corpus/train.jsonl: the short place/route bodies of nlp.dataset (train part only).
- nlp/data/test_realistic.jsonl: the test split, written by another writer from other
  sources. It is only ever evaluated on: nothing here trains or tunes on it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from nlp.categories import CATEGORY_IDS

DATA_DIR = Path(__file__).parent / "data"
MESSAGES_DIR = DATA_DIR / "messages"
TEST_PATH = DATA_DIR / "test_realistic.jsonl"
# Narrative retellings, 52–84 characters (median 66), written after the model was trained: never tuned on.
NARRATIVE_PATH = DATA_DIR / "test_narrative.jsonl"
LEVELS = {"v": "village", "t": "township", "c": "county", "u": "unknown"}
VALIDATION_EVERY = 5


@dataclass(frozen=True)
class Message:
    id: str
    text: str
    category: str
    category2: str
    level: str
    source: str
    registry: str = "demo"
    group_village: str = ""
    township: str | None = None  # gold place, where the split gives it
    village: str | None = None
    route_to: str | None = None
    exclude_township: bool | None = None


class CorpusError(ValueError):
    pass


def read_messages(directory: Path = MESSAGES_DIR) -> list[Message]:
    out: list[Message] = []
    for path in sorted(directory.glob("*.tsv")):
        category = path.stem
        if category not in CATEGORY_IDS:
            raise CorpusError(f"{path}: file name is not a category id")
        n = 0
        for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not raw.strip() or raw.startswith("#"):
                continue
            parts = raw.split("\t")
            if len(parts) != 4:
                raise CorpusError(f"{path}:{lineno}: expected category2, level, source, text")
            cat2, level, source, text = parts
            cat2 = "" if cat2 == "-" else cat2
            if cat2 and cat2 not in CATEGORY_IDS or level not in LEVELS:
                raise CorpusError(f"{path}:{lineno}: bad category2 {cat2!r} or level {level!r}")
            n += 1
            out.append(Message(f"{category}-{n:03d}", text.strip(), category, cat2, LEVELS[level], source))
    return out


def is_validation(m: Message) -> bool:
    return int(m.id.rsplit("-", 1)[1]) % VALIDATION_EVERY == 0


def short_bodies() -> list[Message]:
    """The train part of the place/route corpus (nlp.dataset), short messages with places."""
    from nlp.dataset import load_split

    return [Message(e.id, e.text, e.category, "", e.level, "short", e.registry) for e in load_split("train")]


def training_split(*, include_validation: bool = False) -> list[Message]:
    msgs = [m for m in read_messages() if include_validation or not is_validation(m)]
    return msgs + short_bodies()


def validation_split() -> list[Message]:
    return [m for m in read_messages() if is_validation(m)]


def test_split(path: Path = TEST_PATH) -> list[Message]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                out.append(Message(
                    str(d["id"]), d["text"], d["category"], d.get("category2") or "", d.get("level", "unknown"),
                    d.get("source", ""), d.get("registry", "demo"), d.get("group_village", ""),
                    d.get("township"), d.get("village"), d.get("route_to"), d.get("exclude_township"),
                ))
    return out
