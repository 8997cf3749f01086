"""The accused's level (village / township / county / unknown) from titles and context.

Titles are matched with regular expressions over the text (not tokens) so that forms
jieba splits differently (王支书, 县里民政局的, 镇上的干部) are still caught. A mention
is not the accused when the report says the reporter went to / complained to that
office, or names a discipline commission (纪委), which only ever receives reports.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

LEVELS = ("village", "township", "county", "unknown")

_VILLAGE = (
    r"村(?:党支部|党总支)?(?:书记|支书|主任|长|会计|文书|委员|干部|两委|委会|监委会?|官)"
    r"|支书|支部书记|(?<![镇乡县局])书记|(?<![镇乡县局所站])主任|会计|文书|报账员|出纳"
    r"|监委会|小组长|组长|队长|社长|网格员|村干部|两委|村委|村里(?:的)?干部|村里(?:的)?领导"
)
_TOWNSHIP = (
    r"[镇乡](?:党委)?(?:书记|长)|[副]?[镇乡]长|街道(?:办)?(?:主任|书记)?|[镇乡](?:政府|干部|领导|上|里)"
    r"|包村干部|驻村干部|包村领导|站所|财政所|民政所|经管站|农经站|林业站|水利站|农技站|国土所"
    r"|畜牧站|司法所|扶贫办|计生办|所长|站长|[镇乡]民政|[镇乡]扶贫"
)
_COUNTY = (
    r"县(?:里)?(?:的)?[\u4e00-\u9fff]{0,5}?(?:局|办公室|委员会|中心)|县长|县委|县政府|县领导|县直"
    r"|局长|局里"
)
_PATTERNS = (("county", re.compile(_COUNTY)), ("township", re.compile(_TOWNSHIP)), ("village", re.compile(_VILLAGE)))

# "找过镇上" / "反映到乡里" / "镇里不管": the office is where the reporter went, not the accused.
_RECEIVER_BEFORE = re.compile(r"(?:找|找过|找了|问|问过|去|去了|到|向|跟|给|告到|反映到|反映给|报到|交给|转给|打电话给|上访到)$")
_RECEIVER_AFTER = re.compile(r"^(?:的人)?(?:也|都|根本|一直|还)?(?:不管|不理|不问|没人管|推|说|回复|让我们|叫我们|答复)")
_COMMISSION_AFTER = re.compile(r"^(?:的)?(?:纪委|纪工委|监委|信访|纪检)")
_RANK = {"village": 1, "township": 2, "county": 3}


@dataclass(frozen=True)
class LevelResult:
    level: str
    titles: tuple[str, ...] = ()


def detect_level(text: str) -> LevelResult:
    found: dict[str, list[str]] = {"village": [], "township": [], "county": []}
    receivers: list[str] = []
    for level, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 5) : m.start()]
            after = text[m.end() : m.end() + 8]
            if _COMMISSION_AFTER.match(after) or m.group().endswith("纪"):
                continue
            if level != "village" and (_RECEIVER_BEFORE.search(before) or _RECEIVER_AFTER.match(after)):
                receivers.append(m.group())
                continue
            if level == "township" and _inside_village_title(text, m.start()):
                continue
            found[level].append(m.group())
    # The highest level accused decides: a township official involved takes the case to
    # the county even when village cadres are involved too (回避).
    for level in ("county", "township", "village"):
        if found[level]:
            titles = tuple(dict.fromkeys(found[level]))
            return LevelResult(level, titles)
    return LevelResult("unknown", tuple(dict.fromkeys(receivers)))


def _inside_village_title(text: str, start: int) -> bool:
    """镇 in 村镇 / 乡 in 乡村 is not a township office."""
    return start > 0 and text[start - 1] == "村"
