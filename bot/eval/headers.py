"""What a blind batch's header says about its first score, for `make eval` to print beside today's figures.

A batch's first score (taken once, before anything was changed with it) is the honest figure; the figures a used
batch gives today flatter whatever was built with it. Both evaluations (danger, job offers) print it from here.
"""

from __future__ import annotations

from pathlib import Path

from bot.job_offer.labelled import read_header


def first_score_lines(path: Path) -> list[str]:
    """The header lines that record a batch's first score (from "First score" / "First scored" on)."""
    header = list(read_header(path))
    start = next((i for i, line in enumerate(header) if "first score" in line.lower()), None)
    return header[start:] if start is not None else ["(no first score recorded)"]
