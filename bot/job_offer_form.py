"""The job-offer form's slots, questions and responses, generated from data/job_offer/red_flags.yml.

Adding a red flag to the data adds its slot, its question (with the answer buttons, in every language) and its
place in the form: no code or domain edit. The form asks at most three of them (the ones the first reply
chose, kept in `job_offer_questions`); every question has "I don't know" and "Show me the result now".
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from bot import datafile
from bot.paths import DATA_DIR

RED_FLAGS_FILE = DATA_DIR / "job_offer" / "red_flags.yml"
FORM = "job_offer_form"
SLOT_PREFIX = "job_flag_"
# The flags the first reply chose to ask (at most three), in order.
QUESTIONS_SLOT = "job_offer_questions"
# The intents that answer a yes/no question, and the value each stores.
ANSWER_VALUES = {"affirm": "yes", "deny": "no", "not_sure": "unsure"}
ANSWER_INTENTS = tuple(ANSWER_VALUES)
# "Show me the result now": ends the questions and gives the result (data/rules/job_offer.yml).
RESULT_NOW_INTENT = "show_result"


def slot_name(flag_id: str) -> str:
    return f"{SLOT_PREFIX}{flag_id}"


@lru_cache(maxsize=4)
def load_flags(path: Path = RED_FLAGS_FILE) -> tuple[dict[str, Any], ...]:
    raw = datafile.read(path) or {}
    flags = raw.get("flags", raw) if isinstance(raw, dict) else raw
    return tuple(sorted(flags, key=lambda f: f.get("order", 0)))


def flag_ids(path: Path = RED_FLAGS_FILE) -> list[str]:
    return [str(f["id"]) for f in load_flags(path)]


def form_domain(
    button_labels: dict[str, dict[str, str]], codes: list[str], default: str, path: Path = RED_FLAGS_FILE
) -> dict[str, Any]:
    """Slots, form and `utter_ask_<slot>` responses for the form, ready to dump as a domain file."""
    slots: dict[str, Any] = {}
    responses: dict[str, list[dict]] = {}
    for flag in load_flags(path):
        slot = slot_name(str(flag["id"]))
        condition = [{"active_loop": FORM, "requested_slot": slot}]
        slots[slot] = {
            "type": "text",
            "influence_conversation": False,
            "mappings": [
                {"type": "from_intent", "intent": intent, "value": value, "conditions": condition}
                for intent, value in ANSWER_VALUES.items()
            ],
        }
        variations = []
        for code in codes:
            buttons = [
                {"title": button_labels[intent][code], "payload": f"/{intent}"}
                for intent in (*ANSWER_INTENTS, RESULT_NOW_INTENT)
            ]
            variations.append(
                {
                    "text": flag["question"][code],
                    "buttons": buttons,
                    "condition": [{"type": "slot", "name": "language", "value": code}],
                }
            )
        variations.append({"text": flag["question"][default]})
        responses[f"utter_ask_{slot}"] = variations
    form_slots = list(slots)
    slots[QUESTIONS_SLOT] = {"type": "list", "influence_conversation": False, "mappings": [{"type": "custom"}]}
    return {
        "version": "3.1",
        "slots": slots,
        "forms": {FORM: {"required_slots": form_slots}},
        "responses": responses,
    }


OFFER_INTENT = "ask_job_offer_safe"


def is_new_offer(text: str) -> bool:
    """Whether a message in the middle of the check is a new offer rather than an answer in words.

    Long enough to be a pasted or described offer by the router's measure (data/job_offer/routing.yml).
    """
    from bot.job_offer.routing import default_rules

    return len(str(text or "").split()) >= default_rules().min_words
