"""Replies, cut to WeChat's text limits.

A passive reply carries one message; the rest of a long answer goes out as
customer-service messages. WeChat caps a text at 2048 bytes, so we cut at line
boundaries under that, counting UTF-8 bytes (a Chinese character is 3).
"""
from __future__ import annotations

from dataclasses import dataclass, field

MAX_TEXT_BYTES = 2000  # under WeChat's 2048 with room for a "(1/3)" marker


def split_text(text: str, limit: int = MAX_TEXT_BYTES) -> list[str]:
    text = text.strip()
    if len(text.encode()) <= limit:
        return [text] if text else []
    parts: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line.encode()) > limit:  # one over-long line: cut by characters
            room = limit - len(current.encode())
            cut = _fit(line, room)
            if cut == 0:
                parts.append(current)
                current = ""
                continue
            current += line[:cut]
            line = line[cut:]
            parts.append(current)
            current = ""
        if len((current + line).encode()) > limit:
            parts.append(current)
            current = ""
        current += line
    if current.strip():
        parts.append(current)
    parts = [p.strip() for p in parts if p.strip()]
    if len(parts) > 1:
        parts = [f"{p}\n({i}/{len(parts)})" for i, p in enumerate(parts, 1)]
    return parts


def _fit(s: str, room: int) -> int:
    n = 0
    used = 0
    for ch in s:
        b = len(ch.encode())
        if used + b > room:
            break
        used += b
        n += 1
    return n


@dataclass
class Reply:
    """What a handler answers: zero or more texts, each already within the limit."""

    texts: list[str] = field(default_factory=list)

    @classmethod
    def text(cls, *texts: str) -> "Reply":
        out: list[str] = []
        for t in texts:
            out.extend(split_text(t))
        return cls(out)

    @classmethod
    def empty(cls) -> "Reply":
        return cls([])

    def __bool__(self) -> bool:
        return bool(self.texts)

    def __add__(self, other: "Reply") -> "Reply":
        return Reply(self.texts + other.texts)
