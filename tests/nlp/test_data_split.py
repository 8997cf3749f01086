"""The labelled data is honestly held out and meets the issue's accuracy bar."""
from __future__ import annotations

from nlp.dataset import load_split, registries
from nlp.evaluate import evaluate


def test_test_sentences_and_second_registry_places_are_never_trained_on() -> None:
    train, test = load_split("train"), load_split("test")
    assert not {e.text for e in train} & {e.text for e in test}
    assert {e.registry for e in train} == {"demo"}
    second_places = registries()["second"].place_words()
    assert not any(p in e.text for e in train for p in second_places if len(p) > 2)


def test_held_out_place_bodies_meet_the_bar() -> None:
    for r in evaluate("places"):
        assert r.category_macro_f1 >= 0.85, r.name
        assert r.township_accuracy >= 0.9 and r.village_accuracy >= 0.9, r.name
        assert r.route_accuracy >= 0.9, r.name
