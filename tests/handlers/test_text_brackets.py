"""What the bot says marks a word to reply one way: 【查询进度】, as the chat keywords are written everywhere.

Scans every string literal of the chat and notification code (handlers/, bot/) — the text constants and the texts
built inline — and the rendered notifications themselves: no 「」, and a chat keyword after 回复/发送 is in 【】.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = ("帮助", "举报", "查询进度", "查补贴", "取消", "我的举报", "我没收到", "谁查过我", "权力清单", "村务公开",
            "公示", "点题", "评价", "跳过", "好了", "订阅", "取消订阅", "待办", "绑定", "受理", "补充")
# "回复查询进度" (bare) or "回复“我没收到 编号”" instead of "回复【查询进度】", "回复【我没收到 编号】"
BARE = re.compile(r"(?:回复|发送)[“\"'《\[(]?(" + "|".join(sorted(KEYWORDS, key=len, reverse=True)) + r")")


def literals() -> list[tuple[str, int, str]]:
    out = []
    for base in ("handlers", "bot"):
        for path in sorted((ROOT / base).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    out.append((str(path.relative_to(ROOT)), node.lineno, node.value))
    return out


def test_no_corner_brackets_in_chat_or_notification_texts() -> None:
    found = [(p, n, s[:60]) for p, n, s in literals() if "「" in s or "」" in s]
    assert found == []


def test_chat_keywords_to_reply_are_in_square_brackets() -> None:
    found = [(p, n, s[:80]) for p, n, s in literals() if BARE.search(s)]
    assert found == []


def test_rendered_notifications_use_square_brackets() -> None:
    from handlers.cases.notify import REPORTER_NEWS, reporter_payload, staff_text

    texts = [reporter_payload("QF2026000001", kind, "2026-05-01")["text"] for kind in REPORTER_NEWS]
    texts.append(staff_text("新的群众反映", "QF2026000001", "优亲厚友", "南坝镇胡家庄村", "2026-05-06"))
    for text in texts:
        assert "「" not in text and "」" not in text, text
    assert all("【查询进度 QF2026000001】" in t for t in texts[:-1]) and "【受理 QF2026000001】" in texts[-1]
