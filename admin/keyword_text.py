"""The keyword file as the county admin edits it: category names instead of ids, Chinese notes, Chinese errors.

    for_clerk(tsv)   the stored file (category ids, the developers' notes) → what the page shows
    from_clerk(text) what the admin saved → the stored file (ids), or KeywordTextError with the line

The stored format stays nlp/keywords.py's (category id, weight, phrase; TAB-separated), so the
classifier, `qingfeng classify` and the tests read the same file as before.
"""
from __future__ import annotations

from nlp.categories import CATEGORY_NAMES

HEADER = (
    "# 每行一条：类别、权重、词语，三项之间用 Tab 键隔开。\n"
    "# 权重表示这个词多大程度说明是该类问题：0.5 较弱，1 一般，2 较强，3 基本可以断定；负数表示不像该类。\n"
    "# 词语中不能有空格。以 # 开头的行是说明，不起作用。保存后立即生效，不必重新训练。\n"
)
BY_NAME = {name: cid for cid, name in CATEGORY_NAMES.items()}


class KeywordTextError(ValueError):
    pass


def for_clerk(tsv: str) -> str:
    rows = [HEADER]
    for raw in tsv.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):  # the stored notes are the developers'; the page has its own
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) == 3 and parts[0] in CATEGORY_NAMES:
            parts[0] = CATEGORY_NAMES[parts[0]]
        rows.append("\t".join(parts) + "\n")
    return "".join(rows)


def from_clerk(text: str) -> str:
    out: list[str] = []
    for lineno, raw in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            out.append(line)
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) != 3:
            raise KeywordTextError(f"第 {lineno} 行：应有类别、权重、词语三项，用 Tab 键隔开")
        category, weight, phrase = parts
        cid = BY_NAME.get(category, category if category in CATEGORY_NAMES else None)
        if cid is None:
            raise KeywordTextError(f"第 {lineno} 行：没有「{category}」这个类别，可选：{'、'.join(BY_NAME)}")
        try:
            float(weight)
        except ValueError:
            raise KeywordTextError(f"第 {lineno} 行：权重「{weight}」不是数字") from None
        if not phrase or any(c.isspace() for c in phrase):
            raise KeywordTextError(f"第 {lineno} 行：词语不能为空，也不能有空格")
        out.append(f"{cid}\t{weight}\t{phrase}")
    return "\n".join(out).strip("\n") + "\n"
