"""Precision and recall of the job-offer reader, sign by sign (`python -m bot.eval.job_offer`, part of make eval).

Three kinds of figure, from the least to the most honest about offers nobody here wrote:

- the labelled training offers (data/job_offer/labelled_offers.yml), cross-validated: each offer read by
  classifiers trained without it (the figures `python -m bot job-offer train` stores with the model). The
  rules were written with these offers in view, so this flatters them;
- the held-out offers (tests/job_offer/offers.yml), never trained on; the first score is in the file's header;
- the blind batches (tests/job_offer/unseen/), written by people who saw neither rules nor data. Each batch's
  FIRST score is printed from its header: that is the figure that says how the reader generalises. A batch
  used for development since is scored again (marked "no longer unseen"); a batch whose header says NOT YET
  SCORED is never opened beyond its header, unless `--first-score` names it (to be done once, by whoever
  records the result in its header).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.eval.headers import first_score_lines
from bot.job_offer import OfferReader
from bot.job_offer.labelled import (
    HELD_OUT_FILE,
    LabelledOffer,
    is_scored,
    load_file,
    unseen_batches,
)

TARGET_RECALL = 0.8
TARGET_PRECISION = 0.85


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def _scores(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    return {"tp": tp, "fp": fp, "fn": fn, "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn)}


def score(offers: Iterable[LabelledOffer], reader: OfferReader) -> dict[str, Any]:
    """Per-sign and overall precision/recall of the signs read, plus the same for what the text rules out."""
    ids = reader.book.ids
    counts = {f: [0, 0, 0] for f in ids}
    absent_counts = [0, 0, 0]
    errors: list[dict[str, Any]] = []
    n = 0
    started = time.perf_counter()
    for offer in offers:
        n += 1
        reading = reader.read(offer.text, offer.language or None)
        truth, found = set(offer.flags), set(reading.flags)
        for f in ids:
            counts[f][0] += f in truth and f in found
            counts[f][1] += f not in truth and f in found
            counts[f][2] += f in truth and f not in found
        absent_counts[0] += len(offer.absent & reading.absent)
        absent_counts[1] += len(reading.absent & truth)  # ruled out although the text shows it
        absent_counts[2] += len(offer.absent - reading.absent)
        if found != truth:
            errors.append({"id": offer.id, "missed": sorted(truth - found), "extra": sorted(found - truth)})
    elapsed = time.perf_counter() - started
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    return {
        "offers": n,
        "per_flag": {f: _scores(*c) for f, c in counts.items()},
        "overall": _scores(*total),
        "absent": _scores(*absent_counts),
        "errors": errors,
        "ms_per_offer": 1000 * elapsed / max(n, 1),
    }


def cross_validated(reader: OfferReader) -> dict[str, Any] | None:
    """The training set's cross-validated figures stored with the learned half (None without it)."""
    if reader.signs is None or "cross_validated" not in reader.signs.about:
        return None
    figures = reader.signs.about["cross_validated"]
    per_flag = {
        f: _scores(figures[f]["tp"], figures[f]["fp"], figures[f]["fn"]) for f in reader.book.ids if f in figures
    }
    total = [sum(int(s[k]) for s in per_flag.values()) for k in ("tp", "fp", "fn")]
    return {"offers": reader.signs.about.get("offers", 0), "per_flag": per_flag, "overall": _scores(*total)}


def _table(name: str, result: dict[str, Any], details: bool = True) -> list[str]:
    lines = [
        f"{name}: {result['offers']} offers"
        + (f", {result['ms_per_offer']:.1f} ms per offer" if "ms_per_offer" in result else "")
    ]
    lines.append(f"  {'sign':<22}{'precision':>10}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}")
    rows = list(result["per_flag"].items()) + [("OVERALL", result["overall"])]
    if "absent" in result:
        rows.append(("ruled out (absent)", result["absent"]))
    for flag, s in rows:
        lines.append(f"  {flag:<22}{s['precision']:>10.2f}{s['recall']:>8.2f}{s['tp']:>5}{s['fp']:>5}{s['fn']:>5}")
    if details:
        for error in result.get("errors", []):
            info = ", ".join(f"{k}={v}" for k, v in error.items() if k != "id" and v)
            lines.append(f"  ! {error['id']}: {info}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print every figure; exit 1 if the held-out offers miss the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held-out", type=Path, default=HELD_OUT_FILE)
    parser.add_argument("--unseen-dir", type=Path, default=None, help="blind batches (default: tests/job_offer/unseen)")
    parser.add_argument(
        "--first-score", type=Path, action="append", default=[], help="score a NOT YET SCORED batch, once"
    )
    parser.add_argument("--details", action="store_true", help="list every offer with a missed or extra sign")
    parser.add_argument("--model", help="ignored: the reader needs no Rasa model")
    args = parser.parse_args(argv)
    reader = OfferReader.from_files()
    if reader.signs is None:
        print("WARNING: the learned half could not be loaded or trained; figures are for the rules alone")
    cv = cross_validated(reader)
    if cv:
        print("\n".join(_table("Labelled training offers, cross-validated (rules OR classifier)", cv)))
    held = score(load_file(args.held_out).offers, reader)
    print("\n".join(_table(f"Held out ({args.held_out.name}, never trained on)", held, args.details)))
    print("  first score: " + " ".join(first_score_lines(args.held_out)))
    first_requested = {p.resolve() for p in args.first_score}
    for path in unseen_batches(args.unseen_dir):
        print(f"\nBlind batch {path.name}, first score (from its header):")
        print("\n".join(f"  {line}" for line in first_score_lines(path)))
        if is_scored(path):
            now = score(load_file(path).offers, reader)
            print(
                "\n".join(_table(f"{path.name} now (used for development since: NO LONGER UNSEEN)", now, args.details))
            )
        elif path.resolve() in first_requested:
            now = score(load_file(path).offers, reader)
            print("\n".join(_table(f"{path.name} FIRST SCORE (record it in the header)", now, True)))
        else:
            print("  not read: its first score is still to be taken, once, with --first-score")
    ok = held["overall"]["recall"] >= TARGET_RECALL and held["overall"]["precision"] >= TARGET_PRECISION
    print(
        f"\ntargets (held out): recall >= {TARGET_RECALL}, precision >= {TARGET_PRECISION}: "
        + ("met" if ok else "NOT met")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
