"""`qingfeng nlp build-data | train | evaluate`: the category model's data and training."""
from __future__ import annotations

import argparse
import sys


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("nlp", help="build labelled data, train and evaluate the report classifier")
    nsub = p.add_subparsers(dest="nlp_command", required=True)
    b = nsub.add_parser("build-data", help="fill nlp/data/corpus/sentences.tsv with places into train/test splits")
    b.set_defaults(func=_build)
    t = nsub.add_parser("train", help="train the logistic-regression category model into nlp/data/model.json")
    t.add_argument("--output", metavar="FILE", help="model file to write (default nlp/data/model.json)")
    t.add_argument("--without-validation", action="store_true",
                   help="leave the validation part out of the final model (to evaluate on it honestly)")
    t.set_defaults(func=_train)
    e = nsub.add_parser(
        "evaluate", help="per-category precision/recall/F1, confusion table, level accuracy, turned-away rate on a split"
    )
    e.add_argument("--split", choices=("test", "narrative", "validation", "places"), default="test",
                   help="test: the separately written test split; narrative: longer retellings of published case "
                        "types, written separately; validation: every fifth training message; "
                        "places: the held-out place/route bodies")
    e.add_argument("--errors", action="store_true", help="also list every misclassified example")
    e.add_argument("--model", metavar="FILE", help="model file to evaluate (default: the live nlp/data/model.json)")
    e.set_defaults(func=_evaluate)


def _build(args: argparse.Namespace) -> int:
    from nlp import dataset

    out = dataset.build()
    dataset.write(out)
    print(" ".join(f"{k}={len(v)}" for k, v in out.items()))
    return 0


def _train(args: argparse.Namespace) -> int:
    from nlp.category import MODEL_PATH
    from nlp.train import train

    stats = train(args.output or MODEL_PATH, refit=not args.without_validation)
    print(" ".join(f"{k}={v:g}" for k, v in stats.items()))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from nlp import engine
    from nlp.evaluate import evaluate, print_reports

    if args.model:
        engine.load(model_path=args.model)

    print_reports(evaluate(args.split), sys.stdout, show_errors=args.errors)
    return 0
