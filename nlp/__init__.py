"""清风 NLP: classification, place and level extraction, routing, similar reports.

Pure, synchronous and fast; the model and dictionaries load once per process.

    from nlp import RegistryIndex, analyze
    reg = RegistryIndex.from_file("nlp/data/registry_demo.json")
    a = analyze("胡家庄村的村支书把我家低保扣了", reg)
    a.category, a.village, a.route_to, a.route_reason
"""
from nlp.analyze import Analysis, analyze, classify_category
from nlp.categories import CATEGORY_IDS, CATEGORY_NAMES
from nlp.category import CategoryResult
from nlp.engine import load, reload_keywords, reload_registry
from nlp.registry import RegistryIndex, Township, Village
from nlp.routing import RouteDecision, route
from nlp.matter import Matter, matter
from nlp.similar import SIMILARITY_THRESHOLD, MatterMatch, hamming, is_similar, same_matter, similarity, simhash

__all__ = [
    "Analysis", "CATEGORY_IDS", "CATEGORY_NAMES", "CategoryResult", "Matter", "MatterMatch", "RegistryIndex",
    "RouteDecision", "SIMILARITY_THRESHOLD", "Township", "Village", "analyze",
    "classify_category", "hamming", "is_similar", "load", "reload_keywords",
    "matter", "reload_registry", "route", "same_matter", "similarity", "simhash",
]
