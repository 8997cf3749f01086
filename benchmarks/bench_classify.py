"""Benchmark: the category model against today's model and a TF-IDF baseline; speed; start-up.

Run on one core:  taskset -c 0 .venv/bin/python benchmarks/bench_classify.py [--before REV] [--skip-speed]

- Accuracy, per category, on the separately written test split (nlp/data/test_realistic.jsonl):
  * this tree's `nlp.analyze` (logistic regression + accusation gate);
  * today's model: `nlp.analyze` of the tree at REV (default e99e15e, before issue 15), read
    from git into a temporary directory and run in a child process on the same texts;
  * a TF-IDF baseline: scikit-learn TfidfVectorizer (character 1–3-grams) + LogisticRegression
    trained on the same training messages (nlp.corpus.training_split, with validation).
- Speed (texts per CPU-second, so other processes on the machine count less): full analysis vs
  bare `jieba.cut` on texts of 50–200 characters (the test split's and
  the validation messages' texts joined until each reaches 50, 90, 130 or 170 characters).
  Fair to both: the same texts, jieba's global tokenizer initialised and ours loaded before the
  first round, one core, the functions taking turns within each round. Reported: the rate of
  each one's best round, and the ratio analyze/jieba round by round (min, median, max).
  `nlp.segment.cut` alone (our HMM-off segmentation, inside analyze) is timed beside them.
- Start-up: a fresh process importing nlp, loading the dictionaries and model, analysing one text
  (timed inside it); and `qingfeng classify --registry …` of one message as a whole process (wall).
sklearn is used here only.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BEFORE = "e99e15e"
STARTUP_SNIPPET = """
import time; t0 = time.perf_counter()
import nlp
from nlp import RegistryIndex, analyze, load
reg = RegistryIndex.from_file('nlp/data/registry_demo.json'); load(); analyze('胡家庄村的村支书冒领低保', reg)
print(time.perf_counter() - t0)
"""
CLI_SNIPPET = "import sys; from bot.cli import main; sys.argv[0] = 'qingfeng'; sys.exit(main())"
CLI_LINE = '{"id": 1, "text": "胡家庄村的村支书冒领低保"}\n'
OLD_RUNNER = """
import json, sys
from nlp import RegistryIndex, analyze
regs = {n: RegistryIndex.from_file(f'nlp/data/registry_{n}.json') for n in ('demo', 'second')}
for line in sys.stdin:
    d = json.loads(line)
    a = analyze(d['text'], regs.get(d['registry'], regs['demo']), group_village=d['group_village'] or None)
    print(json.dumps({'category': a.category, 'level': a.level}, ensure_ascii=False))
"""


def rates(fns: dict, items: list, repeat: int = 7) -> tuple[dict[str, float], list[dict[str, float]]]:
    """Texts per CPU-second of each function: the best of `repeat` rounds, and every round's.
    The functions take turns within each round so that a busy machine slows them alike."""
    rounds: list[dict[str, float]] = []
    for _ in range(repeat):
        seconds: dict[str, float] = {}
        for name, fn in fns.items():
            t0 = time.process_time()
            for x in items:
                fn(x)
            seconds[name] = time.process_time() - t0
        rounds.append({name: len(items) / t for name, t in seconds.items()})
    return {name: max(r[name] for r in rounds) for name in fns}, rounds


def startup_seconds(runs: int = 3) -> tuple[list[float], list[float]]:
    """(nlp start-up timed inside a fresh process, `qingfeng classify` of one line as a whole process)."""
    inside = [float(subprocess.run([sys.executable, "-c", STARTUP_SNIPPET], cwd=ROOT, capture_output=True,
                                   text=True, check=True).stdout) for _ in range(runs)]
    whole: list[float] = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", CLI_SNIPPET, "classify", "--registry", "nlp/data/registry_demo.json"],
                       cwd=ROOT, input=CLI_LINE, capture_output=True, text=True, check=True)
        whole.append(time.perf_counter() - t0)
    return inside, whole


def speed_texts() -> list[str]:
    from nlp.corpus import test_split, validation_split

    out: list[str] = []
    buf = ""
    targets = (50, 90, 130, 170)
    for m in [*test_split(), *validation_split()]:
        buf = f"{buf}。{m.text}" if buf else m.text
        if len(buf) >= targets[len(out) % len(targets)]:
            out.append(buf[:200])
            buf = ""
    return out


def today(rev: str, msgs: list) -> list[dict[str, str]]:
    """Today's model (the tree at rev) on the messages, in a child process."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "nlp"], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        lines = "".join(json.dumps({"text": m.text, "registry": m.registry, "group_village": m.group_village},
                                   ensure_ascii=False) + "\n" for m in msgs)
        out = subprocess.run([sys.executable, "-c", OLD_RUNNER], input=lines, capture_output=True, text=True,
                             cwd=tmp, env={**os.environ, "PYTHONPATH": tmp}, check=True).stdout
    return [json.loads(x) for x in out.splitlines()]


def tfidf(train: list, test: list) -> list[str]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from nlp.text import normalize

    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
    x = vec.fit_transform([normalize(m.text) for m in train])
    clf = LogisticRegression(C=10, max_iter=3000, class_weight="balanced").fit(x, [m.category for m in train])
    return list(clf.predict(vec.transform([normalize(m.text) for m in test])))


def table(gold: list[str], systems: dict[str, list[str]], levels: dict[str, float]) -> None:
    from nlp.categories import CATEGORY_IDS, OTHER
    from nlp.metrics import macro_f1, per_class_prf

    names = list(systems)
    print(f"{'category (F1)':<18} {'n':>4} " + " ".join(f"{n:>14}" for n in names))
    scores = {n: per_class_prf(gold, p) for n, p in systems.items()}
    for c in CATEGORY_IDS:
        print(f"{c:<18} {gold.count(c):4d} " + " ".join(f"{scores[n][c][2]:14.3f}" for n in names))
    print(f"{'macro-F1':<18} {len(gold):4d} " + " ".join(f"{macro_f1(gold, systems[n]):14.3f}" for n in names))
    in_scope = [i for i, g in enumerate(gold) if g != OTHER]
    print(f"{'turned away':<18} {len(in_scope):4d} " + " ".join(
        f"{sum(systems[n][i] == OTHER for i in in_scope) / len(in_scope):14.1%}" for n in names))
    print(f"{'level accuracy':<18} {len(gold):4d} " + " ".join(
        f"{levels[n]:14.3f}" if n in levels else f"{'—':>14}" for n in names))


def accuracy_report(rev: str) -> None:
    from nlp.corpus import test_split, training_split
    from nlp.evaluate import run
    from nlp.metrics import accuracy

    test = test_split()
    gold = [m.category for m in test]
    ours = run(test)
    old = today(rev, test)
    base = tfidf(training_split(include_validation=True), test)
    print(f"test split: {len(test)} messages (nlp/data/test_realistic.jsonl)")
    table(gold, {"this tree": [a.category for _, a in ours], f"today ({rev})": [o["category"] for o in old],
                 "TF-IDF+LogReg": base},
          {"this tree": accuracy([m.level for m in test], [a.level for _, a in ours]),
           f"today ({rev})": accuracy([m.level for m in test], [o["level"] for o in old])})


def speed_report(repeat: int = 7) -> None:
    import jieba

    from nlp import RegistryIndex, analyze, engine, load
    from nlp.segment import cut

    if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 1:
        os.sched_setaffinity(0, {0})  # one core; a core chosen with taskset is kept
    inside, whole = startup_seconds()
    jieba.initialize()
    load()
    demo = RegistryIndex.from_file(ROOT / "nlp" / "data" / "registry_demo.json")
    texts = speed_texts()
    analyze(texts[0], demo)
    tk = engine.get().segmenter.tokenizer
    lengths = sorted(len(t) for t in texts)
    print(f"\nspeed texts: {len(texts)}, length median {lengths[len(lengths) // 2]}, min {lengths[0]}, max {lengths[-1]}")
    r, rounds = rates({"hmm": lambda t: list(jieba.cut(t)), "nohmm": lambda t: list(jieba.cut(t, HMM=False)),
                       "ours": lambda t: cut(t, tk.FREQ, tk.total), "full": lambda t: analyze(t, demo)}, texts, repeat)
    jieba_hmm, jieba_nohmm, full = r["hmm"], r["nohmm"], r["full"]
    print(f"bare jieba.cut (default, HMM on):  {jieba_hmm:8.0f} texts/s")
    print(f"bare jieba.cut (HMM off):          {jieba_nohmm:8.0f} texts/s")
    print(f"nlp.segment.cut (HMM off, same tokens; part of analyze): {r['ours']:8.0f} texts/s")
    print(f"nlp.analyze (category+place+level+route): {full:8.0f} texts/s")
    print(f"ratio analyze / jieba.cut default: {full / jieba_hmm:.2f}   / jieba.cut HMM off: {full / jieba_nohmm:.2f}")
    per_round = sorted(x["full"] / x["hmm"] for x in rounds)
    print(f"ratio analyze / jieba.cut default, round by round ({len(per_round)}): min {per_round[0]:.2f}, "
          f"median {per_round[len(per_round) // 2]:.2f}, max {per_round[-1]:.2f}")
    print("start-up (import, dictionary, model, first analyze), 3 runs: " + ", ".join(f"{s:.2f} s" for s in inside))
    print("start-up of `qingfeng classify` (one message, whole process), 3 runs: "
          + ", ".join(f"{s:.2f} s" for s in whole))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--before", default=BEFORE, help=f"git revision of today's model (default {BEFORE})")
    p.add_argument("--skip-speed", action="store_true")
    p.add_argument("--skip-accuracy", action="store_true")
    p.add_argument("--repeat", type=int, default=7, help="speed rounds (best of; more rounds steady a busy machine)")
    args = p.parse_args()
    if not args.skip_accuracy:
        accuracy_report(args.before)
    if not args.skip_speed:
        speed_report(args.repeat)


if __name__ == "__main__":
    main()
