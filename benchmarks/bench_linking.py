"""Benchmark: linking by matter (nlp.same_matter) beside today's character-bigram measure, on labelled pairs.

    .venv/bin/python benchmarks/bench_linking.py [--errors]

For each pair of nlp/data/linking_pairs.jsonl (written beside the concept table),
nlp/data/linking_pairs_heldout{,2,3,4}.jsonl (each written after a freeze, measured once, seen since)
and nlp/data/linking_pairs_heldout5.jsonl (written after the scored method froze, measured once; seen since the category gate of session 24), both methods answer
"would linking join these two reports?" with the gates handlers/cases/linking.py applies:
- today (before issue 17): same village, same category, `nlp.similarity` ≥ SIMILARITY_THRESHOLD
  (0.3); it never knew who filed;
- new: same village, not the same reporter (handlers/cases/linking.py's filer digests), and
  `same_matter(matter(a, category), matter(b, category))`: refusals (another post, name, known fund or date),
  then a score of the evidence (fund, act, category, rare words shared) against SAME_MATTER_THRESHOLD.
Each text's category comes from the real classifier (`nlp.classify_category`), as a filing gets it.
Prints precision, recall, F1 per set and method, accuracy per kind of pair, and the cost of one
comparison (µs, matter readings cached as linking's lru_cache keeps them).
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp import SIMILARITY_THRESHOLD, classify_category, matter, same_matter, similarity  # noqa: E402
from nlp.linking_pairs import (DEV_PATH, HELDOUT2_PATH, HELDOUT3_PATH, HELDOUT4_PATH, HELDOUT5_PATH,  # noqa: E402
                               HELDOUT_PATH, Pair, load_pairs)


def today(p: Pair, cat: dict[str, str]) -> bool:
    return (p.a.village == p.b.village and cat[p.a.text] == cat[p.b.text]
            and similarity(p.a.text, p.b.text) >= SIMILARITY_THRESHOLD)


def new(p: Pair, cat: dict[str, str]) -> bool:
    if p.a.village != p.b.village or p.a.reporter == p.b.reporter:
        return False
    return same_matter(matter(p.a.text, cat[p.a.text]), matter(p.b.text, cat[p.b.text])).same


def scores(pairs: list[Pair], said: list[bool]) -> tuple[float, float, float, int, int, int]:
    tp = sum(s and p.same for p, s in zip(pairs, said))
    fp = sum(s and not p.same for p, s in zip(pairs, said))
    fn = sum(not s and p.same for p, s in zip(pairs, said))
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    return prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0, tp, fp, fn


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="print the pairs the new method gets wrong")
    args = ap.parse_args()
    sets = {"dev": load_pairs(DEV_PATH), "held-out 1 (seen)": load_pairs(HELDOUT_PATH),
            "held-out 2 (seen)": load_pairs(HELDOUT2_PATH), "held-out 3 (seen)": load_pairs(HELDOUT3_PATH),
            "held-out 4 (seen)": load_pairs(HELDOUT4_PATH), "held-out 5 (seen since session 24)": load_pairs(HELDOUT5_PATH)}
    texts = {t for ps in sets.values() for p in ps for t in (p.a.text, p.b.text)}
    cat = {t: classify_category(t).category for t in texts}
    print("| set | pairs (same/different) | method | precision | recall | F1 | tp/fp/fn |")
    print("|---|---|---|---|---|---|---|")
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for name, pairs in sets.items():
        n_same = sum(p.same for p in pairs)
        for label, fn in (("today (bigram Jaccard ≥ 0.3)", today), ("new (same_matter)", new)):
            said = [fn(p, cat) for p in pairs]
            prec, rec, f1, tp, fp, fn_ = scores(pairs, said)
            print(f"| {name} | {len(pairs)} ({n_same}/{len(pairs) - n_same}) | {label} | {prec:.3f} | {rec:.3f} | "
                  f"{f1:.3f} | {tp}/{fp}/{fn_} |")
            for p, s in zip(pairs, said):
                k = kinds[f"{name} · {p.kind}"]
                k[0] += 1
                k[1 if fn is today else 2] += s == p.same
                if args.errors and fn is new and s != p.same:
                    print(f"  {'FN' if p.same else 'FP'} {p.id} {p.kind}: {p.a.text} | {p.b.text}", file=sys.stderr)
    print("\n| set · kind of pair | pairs | today correct | new correct |\n|---|---|---|---|")
    for k, (n, t, w) in sorted(kinds.items()):
        print(f"| {k} | {n // 2} | {t} | {w} |")
    every = [p for ps in sets.values() for p in ps]
    matter.cache_clear()
    t0 = time.perf_counter()
    for p in every:
        same_matter(matter(p.a.text, cat[p.a.text]), matter(p.b.text, cat[p.b.text]))
    cold = (time.perf_counter() - t0) / len(every) * 1e6
    t0 = time.perf_counter()
    for _ in range(20):
        for p in every:
            same_matter(matter(p.a.text, cat[p.a.text]), matter(p.b.text, cat[p.b.text]))
    warm = (time.perf_counter() - t0) / (20 * len(every)) * 1e6
    print(f"\none comparison: {cold:.0f} µs reading both texts (jieba, classifier's second row), "
          f"{warm:.1f} µs with both readings cached")


if __name__ == "__main__":
    main()
