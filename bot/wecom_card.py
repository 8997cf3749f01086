"""WeCom template cards (模板卡片消息, `msgtype: template_card`) of the `text_notice` type: the staff notice.

WeCom's rules for an app message's text_notice card (发送应用消息 → 模板卡片消息 → 文本通知型), which the
fake (bot/fake_wechat.py) enforces with WeCom's errcodes and `staff_card` keeps to:

    card_type                    "text_notice"
    main_title.title or sub_title_text   at least one (a card with neither is refused)
    card_action                  required: type 1 (a URL, `url` required) or 2 (a mini-program, `appid` required)
    horizontal_content_list      at most 6 rows, each with a `keyname`; type 1 rows need a `url`
    jump_list                    at most 3 rows, each with a `title`; type 1 rows need a `url`
    task_id                      optional; at most 128 bytes of [A-Za-z0-9_-@]
    urls                         http(s) only

WeCom recommends lengths (title 36 characters, desc 44, keyname 5, value 30, emphasis 10/15); the
builder keeps to them so nothing is cut on the phone. The card names the case, its category, its
place and its deadline, never a person: no reporter, no accused, no report text.
"""
from __future__ import annotations

import re
from typing import Any

CARD_TYPE = "text_notice"
SOURCE = "清风监督平台"
MAX_ROWS, MAX_JUMPS = 6, 3
TITLE_LEN, DESC_LEN, KEYNAME_LEN, VALUE_LEN = 36, 44, 5, 30
_TASK_ID = re.compile(r"^[A-Za-z0-9_\-@]{1,128}$")
_URL = re.compile(r"^https?://[^\s]+$")

# (errcode, errmsg) WeCom answers for a card it refuses
INVALID_TYPE = (40008, "invalid message type")
INVALID_CARD = (40058, "invalid template_card")
EMPTY_TITLE = (41016, "missing title")


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def case_link(panel_url: str, case_id: int) -> str:
    return f"{panel_url.rstrip('/')}/admin/cases/{case_id}"


def staff_card(values: dict[str, Any], link: str) -> dict[str, Any]:
    """The text_notice card of a staff notice, from the values of the "staff" template (notify.staff_template):
    label, number, category, place, due, note. Nothing else goes in."""
    rows = [("案件编号", values.get("number")), ("类别", values.get("category")), ("地点", values.get("place")),
            ("办理期限", values.get("due")), ("说明", values.get("note"))]
    return {
        "card_type": CARD_TYPE,
        "source": {"desc": SOURCE},
        "main_title": {"title": _cut(str(values.get("label") or "案件通知"), TITLE_LEN),
                       "desc": _cut(f"案件 {values.get('number') or '—'}", DESC_LEN)},
        "emphasis_content": {"title": _cut(str(values.get("due") or "—"), 10), "desc": "办理期限"},
        "horizontal_content_list": [{"keyname": k, "value": _cut(str(v), VALUE_LEN)} for k, v in rows if v],
        "jump_list": [{"type": 1, "title": "在工作台查看", "url": link}],
        "card_action": {"type": 1, "url": link},
    }


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _check_link(row: dict[str, Any], where: str) -> tuple[int, str] | None:
    kind = row.get("type", 0)
    if kind not in (0, 1, 2, 3):
        return INVALID_CARD[0], f"{where}.type invalid"
    if kind == 1 and not (_text(row.get("url")) and _URL.match(row["url"])):
        return INVALID_CARD[0], f"{where}.url invalid"
    return None


def _check_list(rows: Any, field: str, most: int, required: str) -> tuple[int, str] | None:
    if not isinstance(rows, list) or len(rows) > most:
        return INVALID_CARD[0], f"{field}: at most {most} rows"
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not _text(row.get(required)):
            return INVALID_CARD[0], f"{field}[{i}].{required} missing"
        if "value" in row and not isinstance(row["value"], str):
            return INVALID_CARD[0], f"{field}[{i}].value invalid"
        problem = _check_link(row, f"{field}[{i}]")
        if problem:
            return problem
    return None


def card_problem(card: Any) -> tuple[int, str] | None:
    """Why WeCom refuses this text_notice card (errcode, errmsg naming the field), or None."""
    if not isinstance(card, dict):
        return INVALID_CARD
    if card.get("card_type") != CARD_TYPE:
        return INVALID_TYPE[0], "invalid card_type (the fake knows text_notice only)"
    title = card.get("main_title")
    if title is not None and not isinstance(title, dict):
        return INVALID_CARD[0], "main_title invalid"
    if not _text((title or {}).get("title")) and not _text(card.get("sub_title_text")):
        return EMPTY_TITLE[0], "missing title: main_title.title or sub_title_text"
    for key in ("source", "emphasis_content", "quote_area"):
        if key in card and not isinstance(card[key], dict):
            return INVALID_CARD[0], f"{key} invalid"
    for field, most, required in (("horizontal_content_list", MAX_ROWS, "keyname"), ("jump_list", MAX_JUMPS, "title")):
        problem = _check_list(card.get(field, []), field, most, required)
        if problem:
            return problem
    action = card.get("card_action")
    if not isinstance(action, dict) or action.get("type") not in (1, 2):
        return INVALID_CARD[0], "card_action required: type 1 (url) or 2 (mini-program)"
    if action["type"] == 1 and not (_text(action.get("url")) and _URL.match(action["url"])):
        return INVALID_CARD[0], "card_action.url invalid"
    if action["type"] == 2 and not _text(action.get("appid")):
        return INVALID_CARD[0], "card_action.appid missing"
    if "task_id" in card and not (isinstance(card["task_id"], str) and _TASK_ID.match(card["task_id"])):
        return INVALID_CARD[0], "task_id invalid"
    return None
