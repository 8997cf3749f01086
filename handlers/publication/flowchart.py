"""A power's steps as an SVG flowchart (办事流程图): a column of boxes joined by arrows.

Written here rather than taken from a library: the drawing is a dozen boxes, and Graphviz would
need a system binary. Text is escaped; no script, no external reference, so the SVG can be served
under the panel's Content-Security-Policy and in the mini-program's web-view.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

WIDTH = 360
BOX_W = 300
CHARS_PER_LINE = 19  # CJK characters of 14 px in a 300 px box, with padding
LINE_H = 20
PAD = 10
GAP = 28
FONT = "'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif"


def _wrap(text: str, width: int = CHARS_PER_LINE) -> list[str]:
    lines, cur, n = [], "", 0.0
    for ch in text:
        w = 1.0 if ord(ch) > 0x2E80 else 0.55  # Latin letters and digits are narrower
        if n + w > width:
            lines.append(cur)
            cur, n = "", 0.0
        cur += ch
        n += w
    if cur:
        lines.append(cur)
    return lines or [""]


def flowchart_svg(title: str, steps: list[str] | tuple[str, ...], time_limit: str = "") -> str:
    """The SVG document: a title, one box per step (numbered), the time limit under the last box."""
    x = (WIDTH - BOX_W) // 2
    y = 16
    parts: list[str] = [f'<text x="{WIDTH // 2}" y="{y + 14}" text-anchor="middle" font-size="17" '
                        f'font-weight="bold">{escape(title)}</text>']
    y += 36
    for i, step in enumerate(steps, 1):
        lines = _wrap(f"{i}. {step}")
        h = PAD * 2 + LINE_H * len(lines)
        rx = 18 if i in (1, len(steps)) else 4  # rounded: where the process starts and ends
        parts.append(f'<rect class="step" x="{x}" y="{y}" width="{BOX_W}" height="{h}" rx="{rx}" '
                     f'fill="#eef5ff" stroke="#2b6cb0" stroke-width="1.5"/>')
        for j, line in enumerate(lines):
            parts.append(f'<text x="{x + PAD}" y="{y + PAD + 15 + j * LINE_H}" font-size="14">{escape(line)}</text>')
        y += h
        if i < len(steps):
            cx = WIDTH // 2
            parts.append(f'<line x1="{cx}" y1="{y}" x2="{cx}" y2="{y + GAP - 6}" stroke="#2b6cb0" stroke-width="1.5" '
                         f'marker-end="url(#arrow)"/>')
            y += GAP
    if time_limit:
        y += 24
        parts.append(f'<text x="{WIDTH // 2}" y="{y}" text-anchor="middle" font-size="14" fill="#9b2c2c">'
                     f'办理时限：{escape(time_limit)}</text>')
    height = y + 20
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" font-family="{FONT}" role="img" aria-label="{escape(title)}流程图">'
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#2b6cb0"/></marker></defs>'
            '<rect width="100%" height="100%" fill="#ffffff"/>' + "".join(parts) + "</svg>")
