"""Template and subscribe messages: which WeChat template carries which of our values, in which key.

Templates chosen since WeChat's 2023 change, and every mini-program subscribe template, name their
fields by type and number: `thing1`, `time2`, `character_string3`. Each type has WeChat's rule
(`KEY_TYPES`, from the subscribe-message documentation: thing ≤ 20 characters, phrase ≤ 5 Chinese
characters, character_string ≤ 32 letters, digits and symbols, …). A value that breaks it is refused
with errcode 47003, so values are fitted to their key before sending (`render`).

What qingfeng sends (`PURPOSES`) has named values (`number`, `news`, `date`…); a configured
`TemplateSpec` maps each of the template's keys to one of them. `check` finds every mistake in a
mapping at start-up, with the variable to fix. Old official-account templates (`first`,
`keyword1…`, `remark`) are still accepted there, not in subscribe templates.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
_SYMBOLS = r"!-/:-@\[-`{-~·、。,:;!?()【】《》“”‘’—…~¥%+-"


@dataclass(frozen=True)
class KeyType:
    max_len: int
    pattern: re.Pattern[str]  # the whole value must match
    what: str  # said in errors


def _t(max_len: int, pattern: str, what: str) -> KeyType:
    return KeyType(max_len, re.compile(pattern, re.DOTALL), what)


# WeChat's rules for typed keys (subscribe messages; the official account's typed templates follow them).
KEY_TYPES: dict[str, KeyType] = {
    "thing": _t(20, r".+", "up to 20 characters"),
    "short_thing": _t(5, r".+", "up to 5 characters"),
    "number": _t(32, r"[0-9]+(\.[0-9]+)?", "up to 32 digits"),
    "letter": _t(32, r"[A-Za-z]+", "up to 32 letters"),
    "symbol": _t(5, f"[{_SYMBOLS}]+", "up to 5 symbols"),
    "character_string": _t(32, f"[0-9A-Za-z{_SYMBOLS}]+", "up to 32 letters, digits or symbols"),
    "time": _t(40, r"([0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日 ?)?([0-9]{1,2}:[0-9]{2})?", "a 24 h time, may have a date"),
    "date": _t(40, r"[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日( [0-9]{1,2}:[0-9]{2})?", "a date (年月日)"),
    "amount": _t(14, r"[¥$]?[0-9]{1,10}(\.[0-9]{1,2})?元?", "an amount, up to 10 digits"),
    "phone_number": _t(17, r"[0-9+\-() ]+", "up to 17 digits and symbols"),
    "car_number": _t(8, f"[{_HAN}A-Z0-9]+", "a plate, up to 8 characters"),
    "name": _t(10, f"[{_HAN}]+|[A-Za-z {_SYMBOLS}]{{1,20}}", "up to 10 Chinese characters"),
    "phrase": _t(5, f"[{_HAN}]+", "up to 5 Chinese characters"),
}
LEGACY_KEYS = re.compile(r"^(first|remark|keyword[0-9]{1,2})$")  # official account, before 2023
_TYPED_KEY = re.compile(r"^([a-z_]+?)([0-9]{1,3})$")


def key_type(key: str) -> str | None:
    """`thing12` -> "thing"; None for a key that is not typed."""
    m = _TYPED_KEY.match(key)
    return m.group(1) if m and m.group(1) in KEY_TYPES else None


def value_problem(key: str, value: Any) -> str | None:
    """Why WeChat would refuse `value` in `key` (47003), or None."""
    if not isinstance(value, str) or not value:
        return "is empty"
    kind = key_type(key)
    if kind is None:
        return None if LEGACY_KEYS.match(key) and len(value) <= 200 else "is not a key of the template"
    rule = KEY_TYPES[kind]
    if len(value) > rule.max_len or not rule.pattern.fullmatch(value):
        return f"must be {rule.what}"
    return None


# --- what qingfeng sends ------------------------------------------------------------------------

# A value's kind says which key types can carry it.
CARRIERS = {
    "text": ("thing",),
    "status": ("phrase", "thing", "short_thing"),
    "code": ("character_string", "thing"),
    "date": ("date", "time", "thing"),
    "count": ("number", "thing", "character_string"),
}


@dataclass(frozen=True)
class Purpose:
    name: str
    channel: str  # "mp" (official-account template) or "miniapp" (subscribe)
    values: dict[str, str]  # value name -> kind
    required: tuple[str, ...]
    variable: str  # the setting's environment variable (its field map: the same name + "_FIELDS")
    title: str = ""  # what the user is asked to accept, in the mini-program's words


PURPOSES: dict[str, Purpose] = {p.name: p for p in (
    Purpose("staff", "mp", {"label": "text", "number": "code", "category": "text", "place": "text", "due": "date",
                            "note": "text"},
            ("number",), "QINGFENG_TPL_STAFF"),
    Purpose("reporter", "mp", {"number": "code", "news": "text", "status": "status", "date": "date", "hint": "text"},
            ("number",), "QINGFENG_TPL_REPORTER"),
    Purpose("subsidy", "mp", {"title": "text", "count": "count", "hint": "text"}, ("count",), "QINGFENG_TPL_SUBSIDY"),
    Purpose("reporter_subscribe", "miniapp",
            {"number": "code", "news": "text", "status": "status", "date": "date", "hint": "text"},
            ("number",), "QINGFENG_TPL_REPORTER_SUBSCRIBE", "反映办理进度提醒"),
)}
# Which purpose a mini-program recipient gets instead of an official-account template.
SUBSCRIBE_OF = {"reporter": "reporter_subscribe"}


@dataclass(frozen=True)
class TemplateSpec:
    template_id: str
    fields: dict[str, str]  # template key -> value name

    @classmethod
    def parse(cls, template_id: str, fields: str) -> "TemplateSpec":
        """`fields`: "thing1=label,character_string2=number" (spaces allowed)."""
        out: dict[str, str] = {}
        for part in fields.split(","):
            if part.strip():
                key, _, value = part.partition("=")
                out[key.strip()] = value.strip()
        return cls(template_id.strip(), out)

    def format_fields(self) -> str:
        return ",".join(f"{k}={v}" for k, v in self.fields.items())


def check(purpose: Purpose, spec: TemplateSpec) -> list[str]:
    """Every mistake in one mapping, each naming the variable and the key."""
    var, problems = purpose.variable, []
    if not spec.template_id or re.search(r"\s", spec.template_id):
        problems.append(f"{var}: the template id is empty or contains spaces")
    if not spec.fields:
        problems.append(f"{var}_FIELDS: no field is mapped (e.g. character_string1=number)")
    for key, value in spec.fields.items():
        kind = key_type(key)
        if kind is None and not (purpose.channel == "mp" and LEGACY_KEYS.match(key)):
            problems.append(f"{var}_FIELDS: {key!r} is not a WeChat key (thing1, time2, character_string3, …)")
            continue
        if value not in purpose.values:
            problems.append(f"{var}_FIELDS: {key}={value}: {value!r} is not one of {', '.join(purpose.values)}")
            continue
        carriers = CARRIERS[purpose.values[value]]
        if kind is not None and kind not in carriers:
            problems.append(f"{var}_FIELDS: {key} cannot carry {value!r} (a {purpose.values[value]} value): "
                            f"use a {' or '.join(carriers)} key")
    missing = [v for v in purpose.required if v not in spec.fields.values()]
    if missing:
        problems.append(f"{var}_FIELDS: {', '.join(missing)} must be mapped to a key")
    return problems


class TemplateConfigError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("template configuration:\n  " + "\n  ".join(problems))
        self.problems = problems


def check_all(specs: dict[str, TemplateSpec]) -> None:
    problems = [p for name, purpose in PURPOSES.items() for p in check(purpose, specs[name])]
    if problems:
        raise TemplateConfigError(problems)


# --- fitting values to their keys ----------------------------------------------------------------

def _fit(kind: str, value: str) -> str:
    rule = KEY_TYPES[kind]
    if kind == "phrase":
        value = re.sub(f"[^{_HAN}]", "", value)
    elif kind == "number":
        value = "".join(ch for ch in value if ch.isdigit()) or "0"
    elif kind in ("character_string", "letter"):
        value = "".join(ch for ch in value if rule.pattern.fullmatch(ch)) or ("x" if kind == "letter" else "-")
    elif kind in ("date", "time"):
        value = chinese_date(value, with_time=kind == "time")
    if len(value) > rule.max_len:
        value = value[: rule.max_len - 1] + "…" if kind in ("thing", "short_thing") else value[: rule.max_len]
    return value


def chinese_date(value: str | date, *, with_time: bool = False) -> str:
    """ISO date(time) -> 2026年12月2日 (WeChat's date and time keys want 年月日)."""
    try:
        d = value if isinstance(value, date) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    text = f"{d.year}年{d.month}月{d.day}日"
    if with_time and isinstance(d, datetime):
        text += f" {d.hour:02d}:{d.minute:02d}"
    elif with_time:
        text += " 00:00"
    return text


def render(spec: TemplateSpec, values: dict[str, Any]) -> dict[str, dict[str, str]]:
    """WeChat's `data`: {"thing1": {"value": ...}}, each value fitted to its key's rule."""
    data: dict[str, dict[str, str]] = {}
    for key, name in spec.fields.items():
        raw = str(values.get(name) if values.get(name) not in (None, "") else "—")
        kind = key_type(key)
        data[key] = {"value": _fit(kind, raw) if kind else raw[:200]}
    return data


def message_of(settings: Any, template: dict[str, Any], *, subscribe: bool = False) -> tuple[str, dict[str, Any]]:
    """(template id, data) of an outbox payload's `template`: {"purpose", "values"} rendered with the
    configured spec (a subscribe message uses the purpose's mini-program template). A payload queued
    before field maps existed carries its own `template_id` and `data`, sent as they are."""
    if "template_id" in template:
        return str(template["template_id"]), dict(template.get("data") or {})
    purpose = str(template["purpose"])
    if subscribe:
        purpose = SUBSCRIBE_OF[purpose]
    spec = settings.tpl.specs()[purpose]
    return spec.template_id, render(spec, dict(template.get("values") or {}))


__all__ = ["message_of", "KEY_TYPES", "PURPOSES", "SUBSCRIBE_OF", "Purpose", "TemplateConfigError", "TemplateSpec", "check",
           "check_all", "chinese_date", "key_type", "render", "value_problem"]
