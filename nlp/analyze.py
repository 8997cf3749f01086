"""One call that does everything a new report needs: category, place, level, route."""
from __future__ import annotations

from dataclasses import dataclass

from nlp import engine, gate
from nlp.categories import OTHER
from nlp.category import CategoryResult, score
from nlp.exclusion import detect_exclusion
from nlp.level import TOWNSHIP_MASK, VILLAGE_MASK, LevelResult, level_of_tip
from nlp.places import extract_place
from nlp.registry import RegistryIndex
from nlp.routing import route
from nlp.text import normalize



@dataclass(frozen=True)
class Analysis:
    category: str
    confidence: float
    keywords: tuple[str, ...]
    township: str  # registry code or ""
    village: str  # registry code or ""
    place_ambiguous: bool  # nothing found or not resolvable: the chat may ask once
    level: str  # village | township | county | unknown
    route_to: str  # township code, county code, or "" for other
    route_reason: str
    route_rule: int
    ask_place: bool  # only with asked_already=False: ask the reporter before routing
    exclude_township: bool
    titles: tuple[str, ...] = ()  # the titles that decided the level
    tokens: tuple[str, ...] = ()
    category2: str = ""  # a second fitting category, "" when none
    # The chat should offer the short category menu instead of trusting `category`: the
    # model leaned to `other` while an accused and an act are named, or it is unsure.
    ask_category: bool = False
    # What the message is when it is no tip: "greeting", "thanks", "question" (answer it),
    # "statement" (out of scope: referred elsewhere); "tip" otherwise.
    kind: str = "tip"


# Below this probability the chosen category is offered for the reporter to confirm or pick.
LOW_CONFIDENCE = 0.4
# A message that says what was done is turned away only when the model is this sure of `other`.
OTHER_SURE = 0.6
# A thanks or a question mark does not undo a tip the model is this sure of ("…请查一查，谢谢").
SURE_TIP = 0.7
_NOT_TIPS = frozenset({"greeting", "thanks", "question"})


def decide(cat: CategoryResult, g: gate.Gate) -> tuple[CategoryResult, bool, str]:
    """The model's verdict through the accusation gate: (result, ask_category, kind)."""
    sure_tip = cat.category != OTHER and cat.confidence >= SURE_TIP
    if g.kind == "greeting" or (g.kind in _NOT_TIPS and not sure_tip):
        return CategoryResult(OTHER, cat.confidence if cat.category == OTHER else cat.p_other, (), "",
                              cat.p_other, cat.best_tip), False, g.kind
    if cat.category == OTHER:
        named = g.accused and (g.act or cat.p_other < OTHER_SURE)
        if named or (g.act and cat.p_other < OTHER_SURE):
            # Never turned away: the most probable tip category, to be confirmed from the menu.
            return CategoryResult(cat.best_tip, round(1 - cat.p_other, 4), cat.keywords, "", cat.p_other,
                                  cat.best_tip), True, "tip"
        return cat, False, "statement"
    return cat, cat.confidence < LOW_CONFIDENCE, "tip"


def classify_category(text: str) -> CategoryResult:
    """The category alone (no registry needed; place names are not removed)."""
    eng = engine.get()
    if eng.model is None:
        raise RuntimeError("no category model: run `qingfeng nlp train`")
    norm = normalize(text)
    tokens = eng.segmenter.cut(norm)
    return decide(score(tokens, eng.segmenter.places, eng.model, eng.keywords), gate.read(norm))[0]


def analyze(
    text: str,
    registry: RegistryIndex,
    *,
    group_village: str | None = None,
    exclude_township: bool | None = None,
    asked_already: bool = True,
) -> Analysis:
    """Classify a report and decide where it goes.

    group_village: the village the report's WeChat group is bound to (the default place).
    exclude_township: None detects "不要转给镇上" in the text; True/False overrides it.
    asked_already: False when the chat could still ask for the place once (rule 5).
    """
    eng = engine.get()
    if eng.model is None:
        raise RuntimeError("no category model: run `qingfeng nlp train`")
    seg = eng.segmenter
    seg.set_places(registry)
    norm = normalize(text)
    tokens = seg.cut(norm)
    places = seg.places
    cat, ask_category, kind = decide(score(tokens, places, eng.model, eng.keywords), gate.read(norm))
    place = extract_place(tokens, registry, group_village=group_village)
    # Place names are masked so that 南坝镇上坝村 is not read as "镇上" (a township office).
    tnames = registry.township_names
    masked = "".join(tokens) if places.isdisjoint(tokens) else "".join(
        [(TOWNSHIP_MASK if t in tnames else VILLAGE_MASK) if t in places else t for t in tokens]
    )
    lvl = level_of_tip(masked) if cat.category != OTHER else LevelResult("unknown")
    excl = detect_exclusion(norm) if exclude_township is None else exclude_township
    decision = route(
        cat.category, place.township, place.village, lvl.level, registry,
        exclude_township=excl, asked_already=asked_already,
    )
    return Analysis(
        category=cat.category,
        confidence=cat.confidence,
        keywords=cat.keywords,
        township=place.township,
        village=place.village,
        place_ambiguous=not place.known,
        level=lvl.level,
        route_to=decision.route_to,
        route_reason=decision.reason,
        route_rule=decision.rule,
        ask_place=decision.ask_place,
        exclude_township=excl,
        titles=lvl.titles,
        tokens=tuple(tokens),
        category2=cat.category2,
        ask_category=ask_category,
        kind=kind,
    )
