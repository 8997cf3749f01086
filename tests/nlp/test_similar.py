"""Similar-report detection used to link reports."""
from __future__ import annotations

from nlp import SIMILARITY_THRESHOLD, hamming, is_similar, similarity, simhash


def test_retelling_of_the_same_incident_is_similar() -> None:
    a = "村支书把我家的低保名额给了他小舅子，真正困难的没评上"
    b = "村支书把低保名额给了他小舅子，我们真正困难的人家没评上"
    assert is_similar(a, b)


def test_different_incident_of_same_category_is_not_similar() -> None:
    a = "村支书把我家的低保名额给了他小舅子，真正困难的没评上"
    b = "护林员的名额给了会计的儿子，他人在外地打工根本不来上班"
    assert similarity(a, b) < SIMILARITY_THRESHOLD


def test_simhash_is_a_signed_int64_and_stable() -> None:
    h = simhash("村会计截留了退耕还林补助")
    assert -(2**63) <= h < 2**63
    assert h == simhash("村会计截留了退耕还林补助")
    near = simhash("村会计截留了退耕还林补助。")
    assert hamming(h, near) <= 3


def test_empty_texts_are_not_similar() -> None:
    assert similarity("", "") == 0.0 and not is_similar("", "abc")
