"""`python -m bot job-offer train|read`: the maintainers' commands for the job-offer reader.

`train` writes the learned half to build/job_offer/sign_classifiers.json (the Makefile runs it before the
action server needs it) and prints its cross-validated figures. `read` shows what the reader makes of a text,
sign by sign, with the rule's words or the classifier's probability, to review a miss.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _train(args: argparse.Namespace) -> int:
    from bot.job_offer.signs import MODEL_FILE
    from bot.job_offer.training import train

    started = time.perf_counter()
    model = train()
    path = model.save(args.out or MODEL_FILE)
    about = model.about
    figures = about["cross_validated"]
    tp, fp, fn = (sum(f[k] for f in figures.values()) for k in ("tp", "fp", "fn"))
    print(
        f"job-offer sign classifiers: {about['offers']} labelled offers, {len(model.scorers)} signs, "
        f"{time.perf_counter() - started:.1f} s -> {path}"
    )
    print(
        f"  cross-validated (rules OR classifier, {about['folds']} folds): precision {tp / max(tp + fp, 1):.2f}, "
        f"recall {tp / max(tp + fn, 1):.2f}"
    )
    return 0


def _read(args: argparse.Namespace) -> int:
    from bot.job_offer import OfferReader

    text = args.text if args.text != "-" else sys.stdin.read()
    reading = OfferReader.from_files().read(text, args.language)
    print(f"language: {reading.language}")
    for flag, evidence in reading.flags.items():
        how = f"words {evidence.text!r}" if evidence.text else f"classifier p={reading.probabilities.get(flag, 0):.2f}"
        print(f"  + {flag:<22} {how}")
    for flag in reading.absent:
        print(f"  - {flag:<22} words {reading.absent_evidence[flag].text!r}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `job-offer train` and `job-offer read` to the project CLI (bot/cli.py)."""
    parser = subparsers.add_parser("job-offer", help="train or try the job-offer reader")
    commands = parser.add_subparsers(dest="job_offer_command", required=True)
    train = commands.add_parser("train", help="train the per-sign classifiers into build/")
    train.add_argument("--out", type=Path, default=None, help="where to write the model (default: build/job_offer/)")
    train.set_defaults(func=_train)
    read = commands.add_parser("read", help="show the signs the reader finds in a text ('-' reads stdin)")
    read.add_argument("text")
    read.add_argument("--language", default=None)
    read.set_defaults(func=_read)
