"""`python -m bot.eval` (make eval): every evaluation, one after the other, with their figures."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from bot.eval.nlu import DEFAULT_MODEL

EVALUATIONS = [
    ("Intent accuracy per language", "bot.eval.nlu", True),
    ("First-message language", "bot.eval.language", False),
    ("Danger detection (backstop + full model)", "bot.eval.safety", True),
    ("Job-offer warning signs", "bot.eval.job_offer", False),
    ("Job-offer check, conversation by conversation", "bot.eval.job_offer_conversation", True),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", nargs="?", default="all")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    status = 0
    for title, module, takes_model in EVALUATIONS:
        print(f"\n=== {title}")
        entry = importlib.import_module(module).main
        code = entry(["--model", str(args.model)] if takes_model else [])
        status = status or int(code or 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
