"""Recall and false-alarm rate of the danger backstop on the labelled set (tests/safety/danger_set.yml).

Run `python -m bot.eval.danger`. Targets (issue 5): recall 100 % (a missed cry for help is the worst bug
this project can have) and at most 5 % false alarms on ordinary messages. Misses and false alarms are
printed by text so a reviewer can tell a pattern gap from a labelling mistake; these are test sentences,
never user messages.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.paths import REPO_ROOT
from bot.safety import DangerDetector
from bot.safety.patterns import read_yaml

DEFAULT_SET = REPO_ROOT / "tests" / "safety" / "danger_set.yml"
RECALL_TARGET = 1.0
FALSE_ALARM_TARGET = 0.05


def load_set(path: Path | None = None) -> dict[str, list[dict[str, str]]]:
    """The labelled set: {"danger": [{text, lang}], "ordinary": [{text, lang}]}."""
    raw = read_yaml(path or DEFAULT_SET) or {}
    labelled: dict[str, list[dict[str, str]]] = {}
    for label in ("danger", "ordinary"):
        labelled[label] = [{"text": str(i["text"]), "lang": str(i.get("lang", "?"))} for i in raw.get(label) or ()]
    return labelled


def _rate(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def evaluate(path: Path | None = None, detector: DangerDetector | None = None) -> dict[str, Any]:
    """Score the backstop on the labelled set; returns figures plus the misses and false alarms."""
    detector = detector or DangerDetector.from_file()
    labelled = load_set(path)
    misses = [item for item in labelled["danger"] if detector.detect(item["text"]) is None]
    false_alarms = []
    for item in labelled["ordinary"]:
        match = detector.detect(item["text"])
        if match is not None:
            false_alarms.append({**item, "signals": list(match.signals), "matched": list(match.matched)})
    by_language: dict[str, dict[str, float]] = {}
    for lang in sorted({i["lang"] for items in labelled.values() for i in items}):
        danger = [i for i in labelled["danger"] if i["lang"] == lang]
        ordinary = [i for i in labelled["ordinary"] if i["lang"] == lang]
        by_language[lang] = {
            "danger": len(danger),
            "ordinary": len(ordinary),
            "recall": 1 - _rate(sum(1 for m in misses if m["lang"] == lang), len(danger)),
            "false_alarm_rate": _rate(sum(1 for f in false_alarms if f["lang"] == lang), len(ordinary)),
        }
    return {
        "danger": len(labelled["danger"]),
        "ordinary": len(labelled["ordinary"]),
        "recall": 1 - _rate(len(misses), len(labelled["danger"])),
        "false_alarm_rate": _rate(len(false_alarms), len(labelled["ordinary"])),
        "by_language": by_language,
        "misses": misses,
        "false_alarms": false_alarms,
    }


def meets_targets(report: dict[str, Any]) -> bool:
    return report["recall"] >= RECALL_TARGET and report["false_alarm_rate"] <= FALSE_ALARM_TARGET


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="labelled set (YAML)")
    # Accepted so `python -m bot.eval` can pass the same arguments to every evaluation; the backstop
    # needs no trained model.
    parser.add_argument("--model", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    report = evaluate(args.set)
    print(f"Danger backstop on {report['danger']} danger and {report['ordinary']} ordinary messages:")
    print(f"  recall      {report['recall']:.1%}  (target {RECALL_TARGET:.0%})")
    print(f"  false alarm {report['false_alarm_rate']:.1%}  (target <= {FALSE_ALARM_TARGET:.0%})")
    for lang, figures in report["by_language"].items():
        print(
            f"  [{lang}] recall {figures['recall']:.1%} of {figures['danger']:.0f}, "
            f"false alarms {figures['false_alarm_rate']:.1%} of {figures['ordinary']:.0f}"
        )
    for item in report["misses"]:
        print(f"  MISSED      [{item['lang']}] {item['text']!r}")
    for item in report["false_alarms"]:
        print(f"  FALSE ALARM [{item['lang']}] {item['text']!r} -> {', '.join(item['signals'])} {item['matched']}")
    ok = meets_targets(report)
    print("  OK" if ok else "  BELOW TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
