"""Precision and recall of the job-offer reader on the labelled offers (`python -m bot.eval.job_offer`).

tests/job_offer/offers.yml holds realistic offers with the red flags a person reading them would mark.
`offers` were written before the patterns; the `held_out*` batches one after another, each after the
patterns had changed, to measure how they do on text they were not written for. Each batch's first score
(before its misses were fixed) is recorded beside it in offers.yml; those first scores, not the figures
printed here once the misses were fixed, estimate generalisation. The targets (overall recall >= 0.9,
precision >= 0.85) apply to `offers`. Flags the text rules out (`absent`) are scored too, since a wrong
"absent" makes the form skip a question.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.job_offer import OfferReader
from bot.job_offer.flags import load_yaml

OFFERS_FILE = Path(__file__).resolve().parents[2] / "tests" / "job_offer" / "offers.yml"
TARGET_RECALL = 0.9
TARGET_PRECISION = 0.85


def load_offers(path: Path | str | None = None) -> dict[str, list[dict[str, Any]]]:
    """The labelled sets by name ("offers", "held_out", "held_out_2"...), in file order."""
    raw = load_yaml(path or OFFERS_FILE) or {}
    return {
        str(name): items
        for name, items in raw.items()
        if isinstance(items, list) and all(isinstance(i, dict) and "text" in i for i in items)
    }


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def _scores(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    return {"tp": tp, "fp": fp, "fn": fn, "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn)}


def score(offers: Iterable[dict[str, Any]], reader: OfferReader) -> dict[str, Any]:
    """Per-flag and micro-averaged precision/recall for present flags, plus the same for `absent`."""
    ids = reader.book.ids
    counts = {f: [0, 0, 0] for f in ids}
    absent_counts = [0, 0, 0]
    errors: list[dict[str, Any]] = []
    n = 0
    started = time.perf_counter()
    for offer in offers:
        n += 1
        reading = reader.read(str(offer["text"]), offer.get("language"))
        truth = set(offer.get("flags") or [])
        found = set(reading.flags)
        for f in ids:
            counts[f][0] += f in truth and f in found
            counts[f][1] += f not in truth and f in found
            counts[f][2] += f in truth and f not in found
        absent_truth = set(offer.get("absent") or [])
        absent_counts[0] += len(absent_truth & reading.absent)
        absent_counts[1] += len(reading.absent - absent_truth)
        absent_counts[2] += len(absent_truth - reading.absent)
        if found != truth or reading.absent - absent_truth:
            errors.append(
                {
                    "id": offer.get("id"),
                    "missed": sorted(truth - found),
                    "extra": sorted(found - truth),
                    "wrong_absent": sorted(reading.absent - absent_truth),
                }
            )
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


def evaluate(path: Path | str | None = None, reader: OfferReader | None = None) -> dict[str, Any]:
    """Scores for every labelled set in `path` (the repository's offers.yml unless given)."""
    reader = reader or OfferReader.from_files()
    return {name: score(offers, reader) for name, offers in load_offers(path).items() if offers}


def _report(name: str, result: dict[str, Any]) -> list[str]:
    lines = [f"{name}: {result['offers']} offers, {result['ms_per_offer']:.1f} ms per offer"]
    lines.append(f"  {'flag':<22}{'precision':>10}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}")
    for flag, s in result["per_flag"].items():
        lines.append(f"  {flag:<22}{s['precision']:>10.2f}{s['recall']:>8.2f}{s['tp']:>5}{s['fp']:>5}{s['fn']:>5}")
    for label, s in (("OVERALL", result["overall"]), ("absent (ruled out)", result["absent"])):
        lines.append(f"  {label:<22}{s['precision']:>10.2f}{s['recall']:>8.2f}{s['tp']:>5}{s['fp']:>5}{s['fn']:>5}")
    for error in result["errors"]:
        details = ", ".join(f"{k}={v}" for k, v in error.items() if k != "id" and v)
        lines.append(f"  ! {error['id']}: {details}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print the scores; exit 1 if the labelled set misses the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=Path, default=None, help="labelled offers (default: tests/job_offer)")
    parser.add_argument("--model", help="ignored: the reader needs no trained model")
    args = parser.parse_args(argv)
    results = evaluate(args.offers)
    for name, result in results.items():
        print("\n".join(_report(name, result)))
    main_set = results.get("offers")
    if main_set is None:
        return 1
    overall = main_set["overall"]
    ok = overall["recall"] >= TARGET_RECALL and overall["precision"] >= TARGET_PRECISION
    print(
        f"targets (offers): recall >= {TARGET_RECALL}, precision >= {TARGET_PRECISION}: " + ("met" if ok else "NOT met")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
