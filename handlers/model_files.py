"""The classifier's editable files (keywords, model), kept in the database, versioned, live in every process.

    save(kind, content, actor, services) -> int    validated, stored as a new version, announced
    live_paths(var_dir) -> (keywords, model)       the newest versions as files under var/models/live
                                                   (the package's own files until a version is saved)
    sync(services)                                 reload this process's nlp engine if a newer version exists

The installed package is never written (it may be read-only, and an upgrade replaces it).
Every save stores a new row of `operator_model_file` and sets the Redis key
`keys.nlp_files_version()` to its id; each process compares that key with what it loaded at most
every few seconds (`Services.registry()` calls `sync`) and reloads from the database. A process
that starts, or finds Redis emptied, loads the newest rows from the database regardless.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from storage import audit, keys
from storage.models.operator import ModelFile

if TYPE_CHECKING:
    from bot.services import Services

KINDS = {"keywords": "keywords.tsv", "model": "model.json"}
CHECK_S = 3.0
_loaded: dict[str, int] = {}  # what this process's engine was built from: kind -> row id (0: the package's file)
_checked = 0.0


class ModelFileError(ValueError):
    """The content would not load; the message says where (e.g. the line of a keyword)."""


def _package_path(kind: str) -> Path:
    from nlp.category import MODEL_PATH
    from nlp.keywords import KEYWORDS_PATH

    return Path(KEYWORDS_PATH if kind == "keywords" else MODEL_PATH)


def _write_atomic(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(content)
    os.replace(tmp, path)


def validate(kind: str, content: str, scratch: Path) -> int:
    """Load `content` as nlp would; returns its size in rules (keywords) or tokens (model)."""
    from nlp.category import LinearModel
    from nlp.keywords import KeywordFileError, load_keywords

    path = scratch / f".check-{os.getpid()}-{KINDS[kind]}"
    _write_atomic(path, content)
    try:
        if kind == "keywords":
            return len(load_keywords(path))
        return len(LinearModel.load(path).weights)
    except KeywordFileError as exc:
        raise ModelFileError(str(exc).replace(f"{path}:", "line ")) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelFileError(f"the model file does not load: {exc}") from None
    finally:
        path.unlink(missing_ok=True)


async def newest() -> dict[str, ModelFile]:
    out: dict[str, ModelFile] = {}
    for kind in KINDS:
        row = await ModelFile.filter(kind=kind).order_by("-id").first()
        if row is not None:
            out[kind] = row
    return out


async def live_text(kind: str) -> str:
    row = await ModelFile.filter(kind=kind).order_by("-id").first()
    return row.content if row is not None else _package_path(kind).read_text(encoding="utf-8")


async def versions(kind: str, limit: int = 10) -> list[dict[str, object]]:
    rows = await ModelFile.filter(kind=kind).order_by("-id").limit(limit).values(
        "id", "sha256", "created_at", "created_by")
    return list(rows)


async def live_paths(var_dir: Path) -> tuple[Path, Path, dict[str, int]]:
    """(keywords path, model path, row ids): the newest versions written under var/models/live."""
    rows = await newest()
    paths: dict[str, Path] = {}
    ids: dict[str, int] = {}
    for kind, name in KINDS.items():
        row = rows.get(kind)
        if row is None:
            paths[kind], ids[kind] = _package_path(kind), 0
            continue
        path = Path(var_dir) / "models" / "live" / f"{row.id}-{name}"
        if not path.exists():
            _write_atomic(path, row.content)
        paths[kind], ids[kind] = path, int(row.id)
    return paths["keywords"], paths["model"], ids


async def save(kind: str, content: str, *, actor: str, services: "Services") -> int:
    """Store a new version (validated first), load it here, tell the other processes. Returns its id."""
    if kind not in KINDS:
        raise ModelFileError(f"unknown model file {kind!r}")
    size = validate(kind, content, Path(services.settings.var_dir))
    digest = hashlib.sha256(content.encode()).hexdigest()
    row = await ModelFile.create(kind=kind, content=content, sha256=digest, created_by=actor[:64])
    await services.redis.set(keys.nlp_files_version(), str(row.id))
    await sync(services, force=True)
    await audit.append(actor[:64], f"model.{kind}", f"model_file:{row.id}", {"sha256": digest, "size": size})
    return int(row.id)


async def sync(services: "Services", *, force: bool = False) -> bool:
    """Reload this process's engine when a newer version was saved anywhere; True when it reloaded."""
    global _checked
    now = time.monotonic()
    if not force and _loaded and now - _checked < CHECK_S:
        return False
    _checked = now
    announced = await services.redis.get(keys.nlp_files_version())
    if not force and _loaded and announced is not None and int(announced) <= max(_loaded.values()):
        return False  # (no key at all: Redis was emptied, so the database is asked instead)
    keywords_path, model_path, ids = await live_paths(Path(services.settings.var_dir))
    if ids == _loaded:
        return False
    if not _loaded and not any(ids.values()):
        _loaded.update(ids)  # nothing saved yet: the engine runs (or will lazily run) on the package's files
        return False
    from nlp import engine

    engine.load(model_path=model_path, keywords_path=keywords_path)
    _loaded.clear()
    _loaded.update(ids)
    return True


def forget() -> None:
    """Back to the package's files, as a fresh process (tests that saved versions call this after)."""
    from nlp import engine

    engine.load()
    _loaded.clear()


def loaded_versions() -> dict[str, int]:
    """Row ids this process classifies with (0: the package's file); for the panel and tests."""
    return dict(_loaded)
