"""The training data stays honest: enough examples per intent, no example under two intents, none reused in eval."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from bot import datafile
from bot.language import fold
from bot.paths import REPO_ROOT

NLU_DIR = REPO_ROOT / "data" / "nlu"
EVAL_DIR = REPO_ROOT / "tests" / "eval"


def examples(directory) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(directory.glob("*.yml")):
        for block in (datafile.read(path) or {}).get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples") or "").splitlines():
                text = re.sub(r"^\s*-\s?", "", line).strip()
                if text:
                    found[block["intent"]].append(text)
    return found


def key(text: str) -> str:
    return re.sub(r"[^\w]+", " ", fold(text)).strip() or text


@pytest.fixture(scope="module")
def training() -> dict[str, list[str]]:
    return examples(NLU_DIR)


# Intents the DangerBackstop decides from the rules and the danger classifier (bot/safety/tiers.py): DIET needs
# only a few examples of them, and more would teach it to hedge real reports (data/nlu/safety_replies.yml).
BACKSTOP_INTENTS = {"danger_check_in", "survivor_story"}


def test_every_domain_intent_has_enough_examples(training) -> None:
    domain = datafile.read(REPO_ROOT / "domain" / "domain.yml")
    counts = defaultdict(int)
    for intent, items in training.items():
        counts[intent.split("/")[0]] += len(items)
    for intent in domain["intents"]:
        needed = 16 if intent in BACKSTOP_INTENTS else 40
        assert counts[intent] >= needed, f"{intent}: only {counts[intent]} examples"
    assert counts["faq"] >= 20 * 30


def test_the_backstop_intents_are_the_ones_the_backstop_sets() -> None:
    from bot.nlu.components import CHECK_IN_INTENT, SURVIVOR_INTENT

    assert {CHECK_IN_INTENT, SURVIVOR_INTENT} == BACKSTOP_INTENTS


def test_no_example_is_taught_as_two_intents(training) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for intent, items in training.items():
        for text in items:
            owners[key(text)].add(intent)
    clashes = {text: intents for text, intents in owners.items() if len(intents) > 1}
    assert not clashes


def test_held_out_examples_are_not_in_training(training) -> None:
    trained = {key(text) for items in training.values() for text in items}
    held_out = examples(EVAL_DIR)
    assert held_out, "tests/eval has no examples"
    reused = [text for items in held_out.values() for text in items if key(text) in trained]
    assert not reused
