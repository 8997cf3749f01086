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


def test_narrative_split_covers_every_category_and_is_never_trained_on() -> None:
    from nlp import CATEGORY_IDS
    from nlp.corpus import NARRATIVE_PATH, test_split, training_split

    narrative = test_split(NARRATIVE_PATH)
    assert len(narrative) >= 100 and {m.category for m in narrative} == set(CATEGORY_IDS)
    assert all(len(m.text) >= 50 for m in narrative)
    trained = {m.text for m in training_split(include_validation=True)}
    assert not trained & {m.text for m in narrative}
