"""A cry for help that also asks to delete the conversation gets both: the emergency reply, then the deletion.

The same holds for the check-in ("Are you safe right now?") and for a survivor's story: whoever asks to delete
the chat in the same breath may be watched, so the request is never lost because the message said more.

"me tienen encerrada, borra esta conversación" is one message with two requests. The danger decision makes it
`report_danger` (the emergency reply must come first and must not wait for a second message), and this
component then marks the forget request with a `forget_request` entity. The `forget_request` slot it fills lets
a rule add the forget confirmation after the emergency reply (data/rules/safety.yml), and the tracker store
deletes the conversation when it saves that turn (bot/privacy/events.py). The phrases are data
(data/privacy.yml), per language.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message

from bot import datafile
from bot.language import fold
from bot.nlu.components import CHECK_IN_INTENT, DANGER_INTENT, SURVIVOR_INTENT, _RuleComponent, _set_entity, _text
from bot.paths import DATA_DIR
from bot.privacy.events import FORGET_ENTITY

PRIVACY_FILE = DATA_DIR / "privacy.yml"


def load_phrases(path=PRIVACY_FILE) -> list[str]:
    raw = datafile.read(path) or {}
    return [fold(str(p)) for phrases in (raw.get("forget_phrases") or {}).values() for p in phrases or []]


def forget_pattern(phrases: list[str]) -> re.Pattern:
    """One alternation of whole-word phrases, longest first, matched on accent-folded lowercase text."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered) + r")(?!\w)")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ForgetRequestExtractor(_RuleComponent):
    """Marks a forget request inside a message the danger decision answers (emergency, check-in, survivor), whose
    intent DIET cannot also make `forget_me` (see the module docstring). Place after DangerBackstop."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"intents": [DANGER_INTENT, CHECK_IN_INTENT, SURVIVOR_INTENT]}

    @cached_property
    def pattern(self) -> re.Pattern:
        return forget_pattern(load_phrases())

    def process_one(self, message: Message) -> None:
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if intent not in self.config["intents"]:
            return
        match = self.pattern.search(fold(_text(message)))
        if match:
            _set_entity(message, FORGET_ENTITY, "true", match.start(), match.end(), type(self).__name__)
