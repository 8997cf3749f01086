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

# Place names arrive masked: TOWNSHIP_MASK for a township, VILLAGE_MASK for a village
# (nlp/analyze.py), so "南坝镇的干部" reads "Ⓣ的干部" and "胡家庄村干部" reads "Ⓥ干部".
TOWNSHIP_MASK = "Ⓣ"
VILLAGE_MASK = "Ⓥ"

_VILLAGE = (
    r"村(?:党支部|党总支)?(?:书记|支书|主任|长|会计|文书|委员|干部|两委|委会|监委会?|官|组干部)"
    r"|支书|支部书记|(?<![镇乡县局])书记|(?<![镇乡县局所站])主任|会计|文书|报账员|出纳"
    r"|监委会|小组长|组长|队长|社长|网格员|村干部|两委|村委|居委会|社区书记|村里|村上"
    r"|Ⓥ(?:的)?(?:干部|领导|党支部|支部|村委|两委|人)"
)
_TOWNSHIP = (
    r"[镇乡](?:党委)?(?:书记|长)|[副]?[镇乡]长|街道(?:办)?(?:主任|书记)?|[镇乡](?:政府|干部|领导|上|里)"
    r"|包村干部|驻村干部|包村领导|站所|财政所|民政所|经管站|农经站|林业站|水利站|农技站|国土所"
    r"|畜牧站|司法所|派出所|交管站|扶贫办|计生办|民政办|信访办|拆迁办|征地办|建设办|拆迁指挥部"
    r"|便民(?:服务)?中心|城管|所长|站长|分管领导|[镇乡]民政|[镇乡]扶贫"
    r"|Ⓣ(?:的)?(?:长|党委|书记|干部|领导|工作人员|人|政府|办事员|[\u4e00-\u9fff]{0,3}?(?:所|站|办|中心|指挥部))"
)
_COUNTY = (
    r"县(?:里)?(?:的)?[\u4e00-\u9fff]{0,5}?(?:局|办公室|委员会|中心)|县长|县委|县政府|县领导|县直"
    r"|局长|局里|县里(?:来)?(?:的)?(?:人|干部|领导|部门)"
)
_PATTERNS = (("county", re.compile(_COUNTY)), ("township", re.compile(_TOWNSHIP)), ("village", re.compile(_VILLAGE)))

# "找过镇上" / "反映到乡里" / "镇里不管" / "不要让镇上知道": the office is where the
# reporter went or does not want the case to go, not the accused.
_RECEIVER_BEFORE = re.compile(
    r"(?:找|找过|找了|问|问过|去|去了|到|向|跟|给|告到|反映到|反映给|报到|交给|转给|转到|打电话给|上访到|相信|信|让|回)$"
)
_RECEIVER_AFTER = re.compile(r"^(?:的人)?(?:也|都|根本|一直|还)?(?:不管|不理|不问|没人管|推|回复|让我们|叫我们|答复|知道|跟他|和他)")
_COMMISSION_AFTER = re.compile(r"^(?:的)?(?:纪委|纪工委|监委|信访|纪检)")


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
