"""The routing decision of SPEC "Routing", with its reason in one line.

Rules, first match wins:
  1  other → not accepted as a tip; no commission (route_to "").
  6  the reporter excluded the township office ("不要转给镇上") → county.
  2  accused at township or county level → county (回避, 提级).
  3  village under elevated supervision (提级监督) → county.
  4  known township, accused at village level or unknown → that township's commission.
  5  place unknown or ambiguous → ask the reporter once (`ask_place`); once asked,
     or when the channel cannot ask, → the county intake desk.
"""
from __future__ import annotations

from dataclasses import dataclass

from nlp.categories import OTHER
from nlp.registry import RegistryIndex

_LEVEL_NAMES = {"village": "村级", "township": "乡镇级", "county": "县直部门", "unknown": "未明确"}


@dataclass(frozen=True)
class RouteDecision:
    route_to: str  # township code, county code, or "" for `other`
    reason: str  # one line, shown to staff and stored with the case
    rule: int  # the SPEC rule number that decided
    ask_place: bool = False  # rule 5 before asking: the chat should ask "哪个乡镇哪个村?" once


def route(
    category: str,
    township: str,
    village: str,
    level: str,
    registry: RegistryIndex,
    *,
    exclude_township: bool = False,
    asked_already: bool = True,
) -> RouteDecision:
    county = registry.county_code
    county_name = registry.county_commission
    if category == OTHER:
        return RouteDecision("", "不属受理范围（其他类），告知反映人向其他渠道反映（如12345热线）", 1)
    if exclude_township:
        return RouteDecision(county, f"反映人要求不转乡镇，由{county_name}受理", 6)
    place = registry.place_label(township, village) or "地点不明"
    if level in ("township", "county"):
        return RouteDecision(
            county, f"被反映人为{_LEVEL_NAMES[level]}干部（{place}），回避本级，由{county_name}受理", 2
        )
    v = registry.villages.get(village)
    if v is not None and v.elevated:
        return RouteDecision(county, f"{place}为提级监督村，由{county_name}直接受理", 3)
    t = registry.townships.get(township)
    if t is not None:
        who = _LEVEL_NAMES.get(level, "未明确")
        return RouteDecision(t.code, f"{place}，被反映人层级{who}，转{t.commission}", 4)
    if not asked_already:
        return RouteDecision(county, "地点不明或有歧义，需向反映人询问一次乡镇和村", 5, ask_place=True)
    return RouteDecision(county, f"地点不明或有歧义，由{county_name}受理登记", 5)
