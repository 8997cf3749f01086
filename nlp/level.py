"""The accused's level (village / township / county / unknown) from titles and context.

SPEC rules: a place name is an address (南坝镇胡家庄村的会计 accuses a village cadre: place
names arrive masked, and unknown "X镇Y村" addresses are masked here too); departments of a
district, city or province (区X局, 市X局, 新区X局, any …局) count as `county`; a seconded
cadre (第一书记, 驻村工作队, 包村干部) takes the level of the body that sent them; an office
named as a receiver ("镇上也不管", "让县里来查") is not the accused.

Titles are matched with regular expressions over the text (not tokens) so that forms
jieba splits differently (王支书, 县里民政局的, 镇上的干部) are still caught. A mention
is not the accused when the report says the reporter went to / complained to that
office, or names a discipline commission (纪委), which only ever receives reports.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

LEVELS = ("village", "township", "county", "unknown")

# Place names arrive masked: TOWNSHIP_MASK for a township, VILLAGE_MASK for a village
# (nlp/analyze.py), so "南坝镇的干部" reads "Ⓣ的干部" and "胡家庄村干部" reads "Ⓥ干部".
TOWNSHIP_MASK = "Ⓣ"
VILLAGE_MASK = "Ⓥ"

# Every alternative begins with a literal character (a lookbehind is written after the word it
# guards: 书记(?<![镇乡县局]书记) is (?<![镇乡县局])书记): the re engine then skips to the positions
# where a first character occurs instead of trying each alternative at every position.
_VILLAGE = (
    r"村(?:党支部|党总支)?(?:书记|支书|主任|长|会计|文书|委员|干部|两委|委会|监委会?|官|组干部)"
    r"|支书|支部书记|书记(?<![镇乡县局]书记)|主任(?<![镇乡县局所站]主任)|会计|文书|报账员|出纳"
    r"|监委会|小组长|组长|队长|社长|网格员|村干部|两委|村委|居委会|社区书记|村里|村上"
    r"|Ⓥ(?:的)?(?:干部|领导|党支部|支部|村委|两委|人)"
)
# Any office named "…站/所" ("林业站的人"): the one alternative that may start at any character,
# so it is left out of the pattern used for a text without its "站/所(的)人…" tail (it cannot match there).
_ANY_STATION = r"|[\u4e00-\u9fff]{1,3}[站所](?:的)?(?:人|工作人员|干部|领导|民警)"
_TOWNSHIP_HEAD = (
    r"镇(?:党委)?(?:书记|长)|乡(?:党委)?(?:书记|长)|副镇长|副乡长|镇长|乡长|街道(?:办)?(?:主任|书记)?"
    r"|镇(?:政府|干部|领导|上|里)|乡(?:政府|干部|领导|上|里)"
    r"|包村干部|驻村干部|包村领导|站所|财政所|民政所|经管站|农经站|林业站|水利站|农技站|国土所"
    r"|畜牧站|司法所|派出所|交管站|扶贫办|计生办|民政办|信访办|拆迁办|征地办|建设办|拆迁指挥部"
    r"|便民(?:服务)?中心|城管|所长|站长|分管领导|镇民政|乡民政|镇扶贫|乡扶贫|镇村干部|乡村干部"
)
_TOWNSHIP_TAIL = (
    r"|民警|党委书记|党委委员|镇党委|乡党委|镇人大|乡人大|街道办事处"
    r"|Ⓣ(?=对|不|没|将|把|拖|推|以|强|违规|擅自|未)"
    r"|Ⓣ(?:的)?(?:长|党委|书记|干部|领导|工作人员|人|政府|办事员|[\u4e00-\u9fff]{0,3}?(?:所|站|办|中心|指挥部))"
)
_TOWNSHIP = _TOWNSHIP_HEAD + _ANY_STATION + _TOWNSHIP_TAIL
_COUNTY = (
    r"县(?:里)?(?:的)?[\u4e00-\u9fff]{0,5}?(?:局|办公室|委员会|中心)|县长|县委|县政府|县领导|县直"
    r"|局长|局里|县里(?:来)?(?:的)?(?:人|干部|领导|部门)"
    r"|局(?<![饭赌牌格布结当骗僵全大邮药]局)(?![面势部限])"
    r"|区(?<![社小园景]区)(?:里)?(?:的)?[\u4e00-\u9fff]{0,5}?(?:局|办公室|委员会|中心|委|政府)|区长|区委|区政府"
    r"|市(?<![城超集门]市)(?:里)?(?:的)?[\u4e00-\u9fff]{0,5}?(?:局|办公室|委员会|中心|委|政府)|市长|市委|市政府"
    r"|市里(?:来)?(?:的)?(?:人|干部|领导|部门|检查组)|区里(?:来)?(?:的)?(?:人|干部|领导|部门|检查组)"
    r"|省里(?:来)?(?:的)?(?:人|干部|领导|部门|检查组)"
)
_PATTERNS = (("county", re.compile(_COUNTY)), ("township", re.compile(_TOWNSHIP)), ("village", re.compile(_VILLAGE)))
_TOWNSHIP_NO_STATION = re.compile(_TOWNSHIP_HEAD + _TOWNSHIP_TAIL)

# Seconded cadres and who sent them: "县农业局派驻的第一书记" is county, "镇上的包村干部" township.
_SECONDED = re.compile(r"第一书记|驻村(?:工作队|干部|队员|队长)|工作队|包村(?:干部|领导)|帮扶干部|下派干部")
_SENDER_COUNTY = re.compile(r"县|区|市|省|局|委办|单位")
_SENDER_TOWNSHIP = re.compile(r"镇|乡|街道|Ⓣ")
# An address the registry does not know: "李家镇王庄村", "河口乡张家湾" — not an office.
_ADDRESS = re.compile(r"[\u4e00-\u9fff]{1,3}?(?:镇|乡)(?=[\u4e00-\u9fff]{1,3}?(?:村|社区|组))")
# What every _ADDRESS match contains, found fast (it starts with a character class): most texts with
# 镇 or 乡 have no such address, and the sub is skipped.
_MAYBE_ADDRESS = re.compile(r"[镇乡][\u4e00-\u9fff]{1,3}?(?:村|社区|组)")
# Going to an office for a service is where the act happened, not where the reporter complained.
_SERVICE_AFTER = re.compile(r"^(?:的)?(?:办|开|领|交|盖|申请|报销|登记)")

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


# Every county pattern has one of these characters; found by a character-class scan, no str per character.
_COUNTY_CHAR = re.compile("[县区市省局]")
# What every match of the "…站/所的人" alternative ends with: without it the alternative cannot match.
_STATION_TAIL = re.compile(r"[站所](?:的)?(?:人|工作人员|干部|领导|民警)")


def detect_level(text: str) -> LevelResult:
    if ("镇" in text or "乡" in text) and _MAYBE_ADDRESS.search(text):
        text = _ADDRESS.sub(TOWNSHIP_MASK + "·", text)
    found: dict[str, list[str]] = {"village": [], "township": [], "county": []}
    receivers: list[str] = []
    seconded = _seconded(text)
    if seconded is not None:
        text = _SECONDED.sub("〇", text)  # the title itself no longer reads as a village 书记
        found[seconded[0]].append(seconded[1])
    # The highest level accused decides: a township official involved takes the case to the county
    # even when village cadres are involved too (回避). Levels are read highest first, so the first
    # level with a title is the answer and the lower ones are not read.
    for level, pattern in _PATTERNS:
        for m in _matches(level, pattern, text):
            after = text[m.end() : m.end() + 8]
            if _COMMISSION_AFTER.match(after) or m.group().endswith("纪"):
                continue
            if level != "village" and _receiver(text[max(0, m.start() - 5) : m.start()], after):
                receivers.append(m.group())
                continue
            if level == "township" and _inside_village_title(text, m.start()):
                continue
            found[level].append(m.group())
        if found[level]:
            return LevelResult(level, tuple(dict.fromkeys(found[level])))
    return LevelResult("unknown", tuple(dict.fromkeys(receivers)))


def _matches(level: str, pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The level's pattern over the text, without the alternatives that cannot match in it."""
    if level == "county" and not _COUNTY_CHAR.search(text):
        return iter(())
    if level == "township" and not _STATION_TAIL.search(text):
        pattern = _TOWNSHIP_NO_STATION
    return pattern.finditer(text)


def _receiver(before: str, after: str) -> bool:
    """The office is where the reporter went or complained, not where the act happened."""
    return bool(_RECEIVER_BEFORE.search(before) or _RECEIVER_AFTER.match(after)) and not _SERVICE_AFTER.match(after)


# A tip that names no title but happens in the village (我们村修的路, 村集体的鱼塘) is about
# the village's cadres: those decide village works, funds and lists.
_VILLAGE_CONTEXT = re.compile(r"[我咱俺本全]们?村|村[里上集民委组]|Ⓥ|社区|居委|小组|组里|组长")


def level_of_tip(text: str) -> LevelResult:
    """detect_level for a message that is a tip: no title found but a village setting → village."""
    found = detect_level(text)
    if found.level == "unknown" and _VILLAGE_CONTEXT.search(text):
        return LevelResult("village", found.titles)
    return found


def _seconded(text: str) -> tuple[str, str] | None:
    """(level, title) of a seconded cadre named in the text, from the body that sent them."""
    m = _SECONDED.search(text)
    if m is None:
        return None
    sender = text[max(0, m.start() - 12) : m.start()]
    if _SENDER_COUNTY.search(sender):
        return "county", m.group()
    if _SENDER_TOWNSHIP.search(sender) or m.group().startswith("包村"):
        return "township", m.group()
    # 第一书记 and 驻村工作队 are sent by county-level (or higher) bodies unless said otherwise.
    return "county", m.group()


def _inside_village_title(text: str, start: int) -> bool:
    """镇 in 村镇 / 乡 in 乡村 is not a township office."""
    return start > 0 and text[start - 1] == "村"
