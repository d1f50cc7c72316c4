"""The job-offer form's slots, questions and responses, generated from data/job_offer/red_flags.yml.

Adding a red flag to the data adds its slot, its question (with yes / no / not sure buttons, in every language)
and its place in the form: no code or domain edit.
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
# The intents that answer a yes/no question, and the value each stores.
ANSWER_VALUES = {"affirm": "yes", "deny": "no", "not_sure": "unsure"}
ANSWER_INTENTS = tuple(ANSWER_VALUES)


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
                {"title": button_labels[intent][code], "payload": f"/{intent}"} for intent in ANSWER_VALUES
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
    return {
        "version": "3.1",
        "slots": slots,
        "forms": {FORM: {"required_slots": list(slots)}},
        "responses": responses,
    }
