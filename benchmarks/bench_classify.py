"""Benchmark: full classification vs bare jieba.cut, start-up, and an sklearn baseline.

Run on one core:  taskset -c 0 .venv/bin/python benchmarks/bench_classify.py
Texts: the held-out test split's reports joined until each is 50–200 characters, so every text is in the issue's 50–200 range.
The baseline (TF-IDF over jieba tokens + LogisticRegression) is trained on the same
train split and scored on the same test split; sklearn is used here only.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STARTUP_SNIPPET = """
import time; t0 = time.perf_counter()
import nlp
from nlp import RegistryIndex, analyze, load
reg = RegistryIndex.from_file('nlp/data/registry_demo.json'); load(); analyze('胡家庄村的村支书冒领低保', reg)
print(time.perf_counter() - t0)
"""


def bench_texts() -> list[tuple[str, str]]:
    """Held-out reports joined (same registry, in order) until each reaches a target
    length cycling through 50, 90, 130, 170 characters (cut at 200)."""
    from nlp.dataset import load_split

    out: list[tuple[str, str]] = []
    for reg in ("demo", "second"):
        buf = ""
        targets = (50, 90, 130, 170)
        for ex in (e for e in load_split("test") if e.registry == reg):
            buf = f"{buf}。{ex.text}" if buf else ex.text
            if len(buf) >= targets[len(out) % len(targets)]:
                out.append((reg, buf[:200]))
                buf = ""
    return out


def rate(fn, items: list, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for x in items:
            fn(x)
        best = min(best, time.perf_counter() - t0)
    return len(items) / best


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    startups = [
        float(subprocess.run([sys.executable, "-c", STARTUP_SNIPPET], cwd=ROOT, capture_output=True, text=True, check=True).stdout)
        for _ in range(3)
    ]
    import jieba

    from nlp import analyze, load
    from nlp.dataset import registries

    jieba.initialize()
    load()
    regs = registries()
    items = bench_texts()
    texts = [t for _, t in items]
    lengths = sorted(len(t) for t in texts)
    print(f"texts: {len(texts)}, length median {lengths[len(lengths)//2]}, min {lengths[0]}, max {lengths[-1]}")
    for reg in regs.values():  # warm the per-registry dictionaries
        analyze(texts[0], reg)
    jieba_hmm = rate(lambda t: list(jieba.cut(t)), texts)
    jieba_nohmm = rate(lambda t: list(jieba.cut(t, HMM=False)), texts)
    demo = regs["demo"]
    full = rate(lambda t: analyze(t, demo), texts)
    print(f"bare jieba.cut (default, HMM on):  {jieba_hmm:8.0f} texts/s")
    print(f"bare jieba.cut (HMM off):          {jieba_nohmm:8.0f} texts/s")
    print(f"nlp.analyze (category+place+level+route): {full:8.0f} texts/s")
    print(f"ratio analyze / jieba.cut default: {full / jieba_hmm:.2f}   / jieba.cut HMM off: {full / jieba_nohmm:.2f}")
    print(f"start-up (import, dictionary, model, first analyze), 3 runs: " + ", ".join(f"{s:.2f} s" for s in startups))
    baseline(regs)


def baseline(regs) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from nlp import analyze, engine
    from nlp.dataset import load_split
    from nlp.metrics import accuracy, macro_f1

    seg = engine.get().segmenter
    train, test = load_split("train"), load_split("test")

    def tok(text: str) -> list[str]:
        return seg.cut(text)

    t0 = time.perf_counter()
    vec = TfidfVectorizer(tokenizer=tok, token_pattern=None, lowercase=False, ngram_range=(1, 2), sublinear_tf=True)
    x = vec.fit_transform([e.text for e in train])
    clf = LogisticRegression(C=10, max_iter=3000).fit(x, [e.category for e in train])
    train_s = time.perf_counter() - t0
    gold = [e.category for e in test]
    pred = list(clf.predict(vec.transform([e.text for e in test])))
    texts = [e.text for e in test]
    speed = rate(lambda t: clf.predict(vec.transform([t])), texts, repeat=2)
    ours = [analyze(e.text, regs[e.registry], group_village=e.group_village or None).category for e in test]
    ours_speed = rate(lambda e: analyze(e.text, regs[e.registry]), test, repeat=2)
    print()
    print(f"held-out test split: {len(test)} examples (demo + second registry)")
    print(f"{'model':42} {'accuracy':>8} {'macro-F1':>8} {'texts/s':>8}")
    print(f"{'sklearn TF-IDF(1-2gram jieba) + LogReg':42} {accuracy(gold, pred):8.3f} {macro_f1(gold, pred):8.3f} {speed:8.0f}   (train {train_s:.2f} s)")
    print(f"{'nlp NB + keywords (category only counted)':42} {accuracy(gold, ours):8.3f} {macro_f1(gold, ours):8.3f} {ours_speed:8.0f}   (full analyze)")


if __name__ == "__main__":
    main()
