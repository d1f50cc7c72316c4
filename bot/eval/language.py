"""First messages: is the language right, asked, or wrong? (`python -m bot.eval.language`, part of make eval).

A first message in a clear language must be answered in it; a truly ambiguous one ("ok", "Honduras") should
get the question "English or Español?" (bot/policies.py) rather than a guess. The set pairs each message with
the language a person would answer in, or `ask`. This runs the pipeline's language component alone (no model):
it is what decides the language of a first message, with no hint from a channel (as over REST).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from rasa.shared.nlu.training_data.message import Message

from bot import datafile
from bot.eval.headers import first_score_lines
from bot.job_offer.labelled import is_scored
from bot.paths import REPO_ROOT

SETS_DIR = REPO_ROOT / "tests" / "eval"
DEFAULT_SET = SETS_DIR / "first_messages.yml"
TARGET = 0.99  # share of first messages in a clear language that are answered in it


def outcome(message_text: str, extractor) -> str:
    """The language the assistant settles on for a first message, or "ask"."""
    message = Message(data={"text": message_text})
    extractor.process([message])
    found = [e["value"] for e in message.get("entities") or [] if e["entity"] == "language"]
    return found[0] if found else "ask"


def evaluate(path: Path = DEFAULT_SET) -> dict[str, Counter]:
    from bot.nlu.components import LanguageExtractor

    extractor = LanguageExtractor({})
    raw = datafile.read(path) or {}
    results: dict[str, Counter] = {}
    for item in raw.get("messages") or []:
        expected, got = str(item["expected"]), outcome(str(item["text"]), extractor)
        verdict = "right" if got == expected else ("asked" if got == "ask" else "wrong")
        results.setdefault(expected, Counter())[verdict] += 1
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, help="one set (default: every scored tests/eval/first_messages*.yml)")
    args = parser.parse_args(argv)
    paths = [args.set] if args.set else sorted(p for p in SETS_DIR.glob("first_messages*.yml") if is_scored(p))
    ok = True
    for path in paths:
        if not path.exists():
            print(f"  no set at {path}")
            continue
        ok &= _report(path)
    return 0 if ok else 1


def _report(path: Path) -> bool:
    """Print one set's figures beside its first score; whether every clear language met the target."""
    results = evaluate(path)
    ok = True
    print(f"First-message language ({path.name}); right = answered in the expected language:")
    for expected, counts in sorted(results.items()):
        total = sum(counts.values())
        rate = counts["right"] / total
        if expected != "ask":
            ok &= rate >= TARGET
        print(
            f"  {expected}: right {rate:.1%}, asked {counts['asked'] / total:.1%}, wrong {counts['wrong'] / total:.1%}"
            f" ({total} messages){'' if expected == 'ask' else (' OK' if rate >= TARGET else ' BELOW TARGET')}"
        )
    print("  first score: " + " ".join(first_score_lines(path)))
    return ok


if __name__ == "__main__":
    sys.exit(main())
