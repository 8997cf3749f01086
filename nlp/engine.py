"""The process-wide cache: segmenter, keyword table and category model, loaded once.

Loading costs about a second (jieba's prefix dictionary dominates), so it happens lazily
on first use — or eagerly via `load()` at server start-up — and never per message.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from nlp.category import MODEL_PATH, LinearModel
from nlp.dictionary import Segmenter
from nlp.keywords import KEYWORDS_PATH, keyword_table, load_keywords
from nlp.registry import RegistryIndex


@dataclass
class Engine:
    segmenter: Segmenter
    keywords: dict[str, tuple[tuple[int, float], ...]]
    model: LinearModel | None


_ENGINE: Engine | None = None
_LOCK = threading.Lock()


def load(
    *, model_path: str | Path = MODEL_PATH, keywords_path: str | Path = KEYWORDS_PATH, require_model: bool = True
) -> Engine:
    """Build (or rebuild) the cache. `require_model=False` is for training itself."""
    global _ENGINE
    with _LOCK:
        kws = load_keywords(keywords_path)
        model = LinearModel.load(model_path) if require_model or Path(model_path).exists() else None
        _ENGINE = Engine(Segmenter(kws), keyword_table(kws), model)
        return _ENGINE


def get() -> Engine:
    return _ENGINE if _ENGINE is not None else load()


def reload_registry(registry: RegistryIndex) -> None:
    """Make the registry's place names (new villages, new aliases) single tokens.

    Cheap when nothing changed: the registry's fingerprint is compared first. `analyze`
    calls this itself, so callers only need it to pay the cost before the first message.
    """
    get().segmenter.set_places(registry)


def reload_keywords(path: str | Path = KEYWORDS_PATH) -> None:
    """Pick up an edited keyword file (e.g. after an admin saved it in the panel)."""
    eng = get()
    kws = load_keywords(path)
    eng.segmenter.add_words(k.phrase for k in kws)
    eng.keywords = keyword_table(kws)
