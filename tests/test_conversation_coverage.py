"""The test conversations cover every answer card in every language (the fallback and out-of-scope too)."""

from __future__ import annotations

from bot import datafile
from bot.content import load_cards
from bot.language import LanguageConfig
from bot.paths import REPO_ROOT

CONVERSATIONS = REPO_ROOT / "tests" / "conversations"


def stories() -> list[dict]:
    found = []
    for path in sorted(CONVERSATIONS.glob("*.yml")):
        found += (datafile.read(path) or {}).get("stories") or []
    return found


def test_every_card_is_asked_in_every_language() -> None:
    asked = {
        (step["intent"], story["story"].rsplit("(", 1)[-1].rstrip(")"))
        for story in stories()
        for step in story["steps"]
        if "intent" in step and "user" in step
    }
    missing = [
        (card.id, code)
        for card in load_cards()
        for code in LanguageConfig.load().codes
        if (card.intent_name, code) not in asked
    ]
    assert not missing


def test_fallback_and_out_of_scope_are_covered() -> None:
    actions = {step.get("action") for story in stories() for step in story["steps"]}
    assert {"utter_ask_rephrase", "utter_fallback_handoff", "utter_out_of_scope", "utter_smuggling_risks"} <= actions


def _language(story: dict) -> str:
    return story["story"].rsplit("(", 1)[-1].rstrip(")")


def test_every_check_in_answer_is_covered_pressed_and_typed_in_every_language() -> None:
    """Each button of "Are you safe right now?" in every language, and the same answer typed in words."""
    responses = datafile.read(REPO_ROOT / "data" / "responses" / "safety.yml")
    seen = set()
    for story in stories():
        steps = story["steps"]
        for before, answer in zip(steps, steps[1:], strict=False):
            if before.get("action") == "utter_danger_check_in" and "intent" in answer:
                pressed = answer["user"].strip() == f"/{answer['intent']}"
                seen.add((_language(story), answer["intent"], pressed))
    for code in LanguageConfig.load().codes:
        for button in responses["responses"]["utter_danger_check_in"][code]["buttons"]:
            intent = button["payload"].lstrip("/")
            assert (code, intent, True) in seen, (code, intent, "pressed")
            assert (code, intent, False) in seen, (code, intent, "typed")


def test_the_survivors_reply_is_covered_in_every_language() -> None:
    covered = {
        _language(story)
        for story in stories()
        if any(step.get("action") == "utter_survivor_support" for step in story["steps"])
    }
    assert set(LanguageConfig.load().codes) <= covered
