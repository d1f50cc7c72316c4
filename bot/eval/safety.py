"""Danger detection as the user meets it: the trained model's intent plus the rule backstop, on the labelled set.

`python -m bot.eval.safety --model models/assistant.tar.gz`. The backstop alone is scored by bot.eval.danger;
this one parses every labelled message with the full NLU pipeline (classifier, then DangerBackstop) and counts a
message as flagged when the final intent is `report_danger`. Targets: recall 100 %, false alarms <= 5 %.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.eval import danger
from bot.eval.nlu import DEFAULT_MODEL

DANGER_INTENT = "report_danger"


async def _intents(model: Path, texts: list[str]) -> list[str]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [((await agent.parse_message(text)).get("intent") or {}).get("name") or "" for text in texts]


def evaluate(model: Path = DEFAULT_MODEL, path: Path | None = None) -> dict:
    labelled = danger.load_set(path)
    texts = [item["text"] for label in ("danger", "ordinary") for item in labelled[label]]
    intents = asyncio.run(_intents(model, texts))
    n_danger = len(labelled["danger"])
    flagged = [intent == DANGER_INTENT for intent in intents]
    misses = [item["text"] for item, hit in zip(labelled["danger"], flagged[:n_danger], strict=True) if not hit]
    alarms = [item["text"] for item, hit in zip(labelled["ordinary"], flagged[n_danger:], strict=True) if hit]
    return {
        "recall": 1 - len(misses) / max(1, n_danger),
        "false_alarm_rate": len(alarms) / max(1, len(labelled["ordinary"])),
        "danger": n_danger,
        "ordinary": len(labelled["ordinary"]),
        "misses": misses,
        "false_alarms": alarms,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args(argv)
    print("Rule backstop alone:")
    backstop_status = danger.main([])
    report = evaluate(args.model)
    ok = report["recall"] >= danger.RECALL_TARGET and report["false_alarm_rate"] <= danger.FALSE_ALARM_TARGET
    print(
        f"Full model (classifier + backstop): recall {report['recall']:.1%} on {report['danger']} danger messages,"
        f" false alarms {report['false_alarm_rate']:.1%} on {report['ordinary']} ordinary ones"
        f" {'OK' if ok else 'BELOW TARGET'}"
    )
    for text in report["misses"]:
        print(f"  missed: {text}")
    for text in report["false_alarms"]:
        print(f"  false alarm: {text}")
    return 0 if ok and not backstop_status else 1


if __name__ == "__main__":
    sys.exit(main())
