"""The admin-editable keyword file (nlp/data/keywords.tsv): category, weight, phrase."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nlp.categories import CATEGORY_IDS

DATA_DIR = Path(__file__).parent / "data"
KEYWORDS_PATH = DATA_DIR / "keywords.tsv"


@dataclass(frozen=True)
class Keyword:
    category: str
    weight: float
    phrase: str


class KeywordFileError(ValueError):
    pass


def load_keywords(path: str | Path = KEYWORDS_PATH) -> list[Keyword]:
    """Parse the file; a bad line is an error with its line number (admins edit this)."""
    out: list[Keyword] = []
    with open(path, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 3:
                raise KeywordFileError(f"{path}:{lineno}: expected category<TAB>weight<TAB>phrase")
            category, weight, phrase = (p.strip() for p in parts)
            if category not in CATEGORY_IDS:
                raise KeywordFileError(f"{path}:{lineno}: unknown category {category!r}")
            try:
                w = float(weight)
            except ValueError:
                raise KeywordFileError(f"{path}:{lineno}: weight {weight!r} is not a number") from None
            if not phrase or any(c.isspace() for c in phrase):
                raise KeywordFileError(f"{path}:{lineno}: phrase must be non-empty without spaces")
            out.append(Keyword(category, w, phrase))
    return out


def keyword_table(keywords: list[Keyword]) -> dict[str, tuple[tuple[int, float], ...]]:
    """phrase → ((category index, weight), …) for token lookup at analysis time."""
    table: dict[str, list[tuple[int, float]]] = {}
    for kw in keywords:
        table.setdefault(kw.phrase, []).append((CATEGORY_IDS.index(kw.category), kw.weight))
    return {k: tuple(v) for k, v in table.items()}
