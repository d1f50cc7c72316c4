"""Danger detection as the user meets it: the whole NLU pipeline, on the labelled set and on unseen batches.

`python -m bot.eval.safety --model models/assistant.tar.gz`. Every labelled message is parsed by the trained
model; a message counts as flagged when the final intent is `report_danger` (it gets the emergency reply).
Besides the final figure, each layer is scored on its own, from the decision DangerBackstop records:

- rules: the phrase rules found danger (bot.safety; bot.eval.danger scores them without a model);
- intent classifier: DIET's own top intent was danger;
- danger classifier: the second model's probability reached the agreement threshold;
- full: what the person gets.

Targets (issue 5) apply to the labelled set, tests/safety/danger_set.yml: recall 100 %, false alarms <= 5 %.
The batches in tests/safety/unseen/ were written blind (their writers saw neither the rules nor the training
data); their figures show how detection generalises and are printed, not held to the targets. Each batch file
says whether it has been used to improve the rules or the data since (then it is no longer unseen).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bot.eval import danger
from bot.eval.nlu import DEFAULT_MODEL
from bot.paths import REPO_ROOT

DANGER_INTENT = "report_danger"
UNSEEN_DIR = REPO_ROOT / "tests" / "safety" / "unseen"
LAYERS = ("rules", "intent classifier", "danger classifier", "full")


@dataclass(frozen=True)
class Verdict:
    """What the pipeline made of one labelled message."""

    text: str
    lang: str
    is_danger: bool
    flagged: bool
    by: str | None
    layers: dict[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class SetReport:
    name: str
    verdicts: list[Verdict]

    def _rate(self, label: bool, layer: str) -> float:
        items = [v for v in self.verdicts if v.is_danger is label]
        return sum(v.layers[layer] for v in items) / len(items) if items else 0.0

    def recall(self, layer: str = "full") -> float:
        return self._rate(True, layer)

    def false_alarm_rate(self, layer: str = "full") -> float:
        return self._rate(False, layer)

    @property
    def misses(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.is_danger and not v.flagged]

    @property
    def false_alarms(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.is_danger and v.flagged]

    def counts(self) -> tuple[int, int]:
        return sum(v.is_danger for v in self.verdicts), sum(not v.is_danger for v in self.verdicts)


NOT_YET_SCORED = "NOT YET SCORED"


def unseen_sets(include_unscored: bool = False) -> list[Path]:
    """The blind batches; one whose header says NOT YET SCORED is left out until its single first score
    (`--set` names it explicitly), so that no change is ever tuned on it by accident."""
    return [
        path
        for path in sorted(UNSEEN_DIR.glob("*.yml"))
        if include_unscored or NOT_YET_SCORED not in "".join(path.read_text(encoding="utf-8").splitlines(True)[:8])
    ]


def verdict(item: dict[str, str], is_danger: bool, parse: dict) -> Verdict:
    decision = parse.get("danger_decision") or {}
    flagged = ((parse.get("intent") or {}).get("name") or "") == DANGER_INTENT
    layers = {
        "rules": decision.get("by") == "rules",
        "intent classifier": bool(decision.get("intent_classifier")),
        "danger classifier": bool(decision.get("danger_classifier")),
        "full": flagged,
    }
    return Verdict(item["text"], item["lang"], is_danger, flagged, decision.get("by"), layers)


async def _parse_all(model: Path, texts: list[str]) -> list[dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def evaluate(model: Path = DEFAULT_MODEL, paths: list[Path] | None = None) -> list[SetReport]:
    """Parse every message of the given sets (default: the labelled set, then the unseen batches)."""
    paths = paths or [danger.DEFAULT_SET, *unseen_sets()]
    sets = [(path, danger.load_set(path)) for path in paths]
    items = [(i, item, label == "danger") for i, (_, s) in enumerate(sets) for label in s for item in s[label]]
    parses = asyncio.run(_parse_all(model, [item["text"] for _, item, _ in items]))
    reports = []
    for index, (path, _) in enumerate(sets):
        verdicts = [
            verdict(item, is_danger, parse)
            for (i, item, is_danger), parse in zip(items, parses, strict=True)
            if i == index
        ]
        reports.append(SetReport(_display_name(path), verdicts))
    return reports


def _display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def meets_targets(report: SetReport) -> bool:
    return report.recall() >= danger.RECALL_TARGET and report.false_alarm_rate() <= danger.FALSE_ALARM_TARGET


def print_report(reports: list[SetReport]) -> None:
    print("Recall / false alarms per layer (a message is flagged when it gets the emergency reply):")
    header = f"  {'set':<40} {'danger/ordinary':>15}" + "".join(f"  {layer:>19}" for layer in LAYERS)
    print(header)
    for report in reports:
        n_danger, n_ordinary = report.counts()
        cells = "".join(f"  {report.recall(layer):>8.1%} / {report.false_alarm_rate(layer):>6.1%}" for layer in LAYERS)
        print(f"  {report.name:<40} {n_danger:>7}/{n_ordinary:<7}{cells}")
    for report in reports:
        for v in report.misses:
            print(f"  MISSED      {report.name} [{v.lang}] {v.text!r}")
        for v in report.false_alarms:
            print(f"  FALSE ALARM {report.name} [{v.lang}] {v.text!r} (by {v.by})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--set", type=Path, action="append", help="labelled set(s); default: all")
    args = parser.parse_args(argv)
    print("Rule backstop alone, labelled set:")
    backstop_status = danger.main([])
    reports = evaluate(args.model, args.set)
    print()
    print_report(reports)
    labelled = next((r for r in reports if r.name == _display_name(danger.DEFAULT_SET)), None)
    if labelled is None:
        return backstop_status
    ok = meets_targets(labelled)
    print(
        f"Full model on the labelled set: recall {labelled.recall():.1%} (target {danger.RECALL_TARGET:.0%}),"
        f" false alarms {labelled.false_alarm_rate():.1%} (target <= {danger.FALSE_ALARM_TARGET:.0%})"
        f" {'OK' if ok else 'BELOW TARGET'}"
    )
    return 0 if ok and not backstop_status else 1


if __name__ == "__main__":
    sys.exit(main())
