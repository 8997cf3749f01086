"""Registry import (contracts/registry.example.json) and export in the same shape.

The import validates the whole file before it writes anything, then applies it
in one transaction: importing the same file twice changes nothing.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from storage.models import County, Township, Village, Zone


class RegistryError(ValueError):
    """The file is not a valid registry; `problems` lists every one found."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ImportSummary:
    created: dict[str, int] = field(default_factory=lambda: {"zones": 0, "townships": 0, "villages": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"zones": 0, "townships": 0, "villages": 0})

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def _str(obj: dict[str, Any], key: str, where: str, problems: list[str]) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: '{key}' must be a non-empty string")
        return ""
    return value.strip()


def _aliases(obj: dict[str, Any], where: str, problems: list[str]) -> list[str]:
    value = obj.get("aliases", [])
    if not isinstance(value, list) or not all(isinstance(a, str) and a.strip() for a in value):
        problems.append(f"{where}: 'aliases' must be a list of non-empty strings")
        return []
    return [a.strip() for a in value]


def validate(data: Any) -> list[str]:
    """Every problem of the document, with a JSON path to it."""
    problems: list[str] = []
    if not isinstance(data, dict):
        return ["top level: must be an object with 'county', 'zones', 'townships'"]
    county = data.get("county")
    if not isinstance(county, dict):
        problems.append("county: missing or not an object")
        county = {}
    for key in ("code", "name", "commission"):
        _str(county, key, "county", problems)
    township_codes: set[str] = set()
    village_codes: set[str] = set()
    townships = data.get("townships")
    if not isinstance(townships, list) or not townships:
        problems.append("townships: must be a non-empty list")
        townships = []
    for i, t in enumerate(townships):
        where = f"townships[{i}]"
        if not isinstance(t, dict):
            problems.append(f"{where}: not an object")
            continue
        code = _str(t, "code", where, problems)
        _str(t, "name", where, problems)
        _str(t, "commission", where, problems)
        _aliases(t, where, problems)
        if code in township_codes:
            problems.append(f"{where}: duplicate township code {code}")
        township_codes.add(code)
        villages = t.get("villages", [])
        if not isinstance(villages, list):
            problems.append(f"{where}.villages: must be a list")
            continue
        for j, v in enumerate(villages):
            vwhere = f"{where}.villages[{j}]"
            if not isinstance(v, dict):
                problems.append(f"{vwhere}: not an object")
                continue
            vcode = _str(v, "code", vwhere, problems)
            _str(v, "name", vwhere, problems)
            _aliases(v, vwhere, problems)
            if not isinstance(v.get("elevated", False), bool):
                problems.append(f"{vwhere}: 'elevated' must be true or false")
            if vcode in village_codes:
                problems.append(f"{vwhere}: duplicate village code {vcode}")
            village_codes.add(vcode)
    zones = data.get("zones", [])
    if not isinstance(zones, list):
        problems.append("zones: must be a list")
        zones = []
    zoned: dict[str, str] = {}
    for i, z in enumerate(zones):
        where = f"zones[{i}]"
        if not isinstance(z, dict):
            problems.append(f"{where}: not an object")
            continue
        zid = _str(z, "id", where, problems)
        _str(z, "name", where, problems)
        members = z.get("townships", [])
        if not isinstance(members, list):
            problems.append(f"{where}.townships: must be a list of township codes")
            continue
        for code in members:
            if code not in township_codes:
                problems.append(f"{where}: unknown township code {code!r}")
            elif code in zoned:
                problems.append(f"{where}: township {code} is already in zone {zoned[code]}")
            else:
                zoned[code] = zid
    return problems


def load_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegistryError([f"{path}: no such file"]) from None
    except UnicodeDecodeError:
        raise RegistryError([f"{path}: not UTF-8 text"]) from None
    except json.JSONDecodeError as exc:
        raise RegistryError([f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"]) from None
    problems = validate(data)
    if problems:
        raise RegistryError(problems)
    return data


async def _upsert(model: Any, pk: str, values: dict[str, Any], kind: str, summary: ImportSummary) -> Any:
    obj = await model.get_or_none(pk=pk)
    if obj is None:
        summary.created[kind] += 1
        return await model.create(**{model._meta.pk_attr: pk}, **values)
    changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if changed:
        obj.update_from_dict(changed)
        await obj.save(update_fields=list(changed))
        summary.updated[kind] += 1
    return obj


async def import_registry(data: dict[str, Any]) -> ImportSummary:
    problems = validate(data)
    if problems:
        raise RegistryError(problems)
    summary = ImportSummary()
    c = data["county"]
    zone_of = {code: z["id"] for z in data.get("zones", []) for code in z.get("townships", [])}
    async with in_transaction():
        county = await County.get_or_none(code=c["code"])
        if county is None:
            county = await County.create(code=c["code"], name=c["name"], commission=c["commission"])
        elif (county.name, county.commission) != (c["name"], c["commission"]):
            county.name, county.commission = c["name"], c["commission"]
            await county.save()
        for z in data.get("zones", []):
            await _upsert(Zone, z["id"], {"name": z["name"], "county_id": county.code}, "zones", summary)
        for t in data["townships"]:
            await _upsert(Township, t["code"], {
                "name": t["name"], "aliases": t.get("aliases", []), "commission": t["commission"],
                "county_id": county.code, "zone_id": zone_of.get(t["code"]),
            }, "townships", summary)
            for v in t.get("villages", []):
                await _upsert(Village, v["code"], {
                    "name": v["name"], "aliases": v.get("aliases", []), "township_id": t["code"],
                    "elevated": bool(v.get("elevated", False)),
                }, "villages", summary)
    return summary


async def load_registry_dict() -> dict[str, Any]:
    """The registry in the database, in the import format (what nlp.RegistryIndex reads)."""
    county = await County.first()
    if county is None:
        return {"county": {"code": "", "name": "", "commission": ""}, "zones": [], "townships": []}
    zones = await Zone.filter(county_id=county.code).order_by("id")
    townships = await Township.filter(county_id=county.code).order_by("code")
    villages = await Village.filter(township_id__in=[t.code for t in townships]).order_by("code")
    by_township: dict[str, list[dict[str, Any]]] = {}
    for v in villages:
        by_township.setdefault(v.township_id, []).append(  # type: ignore[attr-defined]
            {"code": v.code, "name": v.name, "aliases": list(v.aliases), "elevated": v.elevated}
        )
    return {
        "county": {"code": county.code, "name": county.name, "commission": county.commission},
        "zones": [
            {"id": z.id, "name": z.name,
             "townships": [t.code for t in townships if t.zone_id == z.id]}  # type: ignore[attr-defined]
            for z in zones
        ],
        "townships": [
            {"code": t.code, "name": t.name, "aliases": list(t.aliases), "commission": t.commission,
             "villages": by_township.get(t.code, [])}
            for t in townships
        ],
    }
